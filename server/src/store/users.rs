//! Users, devices (clients) and tokens.

use chrono::{DateTime, Utc};
use onsite_core::Role;
use sqlx::Row;
use uuid::Uuid;

use super::codec::{decode_err, parse_uuid, to_json, Json};
use super::{ts, Backend, Conn, Store};
use crate::auth::Session;

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
}

/// The `role` column of a row.
fn role_of(r: &sqlx::any::AnyRow) -> Result<Role, sqlx::Error> {
    let role: String = r.try_get("role")?;
    Role::parse(&role).ok_or_else(|| decode_err(format!("unknown role {role}")))
}

fn user_from_row(r: &sqlx::any::AnyRow) -> Result<UserRow, sqlx::Error> {
    let id: String = r.try_get("id")?;
    Ok(UserRow {
        id: parse_uuid(&id)?,
        username: r.try_get("username")?,
        name: r.try_get("name")?,
        role: role_of(r)?,
        password_hash: r.try_get("password_hash")?,
    })
}

pub async fn insert_user(
    conn: &mut Conn,
    user: &UserRow,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, username, name, role, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user.id.to_string())
    .bind(&user.username)
    .bind(&user.name)
    .bind(user.role.as_str())
    .bind(&user.password_hash)
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    let id = user.id.to_string();
    super::log::record_change(
        conn,
        onsite_core::wire::Entity::User,
        &id,
        onsite_core::wire::ChangeOp::Put,
        None,
    )
    .await
}

/// `UserInfo` JSON (id, name, role: what every user may know of another) by id.
pub async fn user_json(
    conn: &mut Conn,
    ids: &[String],
) -> Result<std::collections::BTreeMap<String, Json>, sqlx::Error> {
    let mut out = std::collections::BTreeMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let sql = Backend::of(conn)
        .sql("SELECT id, name, role FROM users WHERE id IN (SELECT value FROM {strings})");
    let rows = sqlx::query(&sql)
        .bind(serde_json::Value::from(ids.to_vec()).to_string())
        .fetch_all(conn)
        .await?;
    for r in rows {
        let id: String = r.try_get("id")?;
        let info = onsite_core::wire::UserInfo {
            id: parse_uuid(&id)?,
            name: r.try_get("name")?,
            role: role_of(&r)?,
        };
        out.insert(id, to_json(&info)?);
    }
    Ok(out)
}

pub async fn user_count(conn: &mut Conn) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(conn)
        .await
}

pub async fn by_username(conn: &mut Conn, username: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query("SELECT * FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(conn)
        .await?
        .map(|r| user_from_row(&r))
        .transpose()
}

pub async fn all_users(conn: &mut Conn) -> Result<Vec<UserRow>, sqlx::Error> {
    sqlx::query("SELECT * FROM users ORDER BY username")
        .fetch_all(conn)
        .await?
        .iter()
        .map(user_from_row)
        .collect()
}

pub async fn is_engineer(conn: &mut Conn, id: Uuid) -> Result<bool, sqlx::Error> {
    exists!(
        conn,
        "SELECT 1 FROM users WHERE id = $1 AND role = 'engineer'",
        id.to_string()
    )
}

/// Bind a device to the user logging in on it. A client_id belongs to one user for good:
/// `false` when it is already another user's (the caller answers `409 client_taken`).
pub async fn bind_client(
    conn: &mut Conn,
    client_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "INSERT INTO clients (client_id, user_id, last_seq, created_at, updated_at)
         VALUES ($1, $2, 0, $3, $3)
         ON CONFLICT (client_id) DO NOTHING",
    )
    .bind(client_id.to_string())
    .bind(user_id.to_string())
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    let owner: String = sqlx::query_scalar("SELECT user_id FROM clients WHERE client_id = $1")
        .bind(client_id.to_string())
        .fetch_one(conn)
        .await?;
    Ok(owner == user_id.to_string())
}

pub async fn last_seq(conn: &mut Conn, client_id: Uuid) -> Result<Option<u64>, sqlx::Error> {
    seq_of(
        conn,
        client_id,
        "SELECT last_seq FROM clients WHERE client_id = $1",
    )
    .await
}

/// `last_seq`, with the device's row locked until the transaction ends (`{for_update}`): two
/// pushes of one device (a retry racing its original on another instance) run one after the
/// other.
pub async fn lock_last_seq(conn: &mut Conn, client_id: Uuid) -> Result<Option<u64>, sqlx::Error> {
    let sql = "SELECT last_seq FROM clients WHERE client_id = $1{for_update}";
    seq_of(conn, client_id, &Backend::of(conn).sql(sql)).await
}

async fn seq_of(conn: &mut Conn, client_id: Uuid, sql: &str) -> Result<Option<u64>, sqlx::Error> {
    let v: Option<i64> = sqlx::query_scalar(sql)
        .bind(client_id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(v.map(|s| s.max(0) as u64))
}

pub async fn set_last_seq(
    conn: &mut Conn,
    client_id: Uuid,
    seq: u64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE clients SET last_seq = $2, updated_at = $3 WHERE client_id = $1")
        .bind(client_id.to_string())
        .bind(seq as i64)
        .bind(ts(now))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_token(
    conn: &mut Conn,
    token_hash: &str,
    user_id: Uuid,
    client_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO tokens (token_hash, user_id, client_id, created_at, last_used_at)
         VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(token_hash)
    .bind(user_id.to_string())
    .bind(client_id.to_string())
    .bind(ts(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// Why a session ended, as the device is told on its next contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeReason {
    /// The user logged out on that device.
    Logout,
    /// A manager revoked it (a lost or handed-over phone).
    Manager,
}

impl RevokeReason {
    fn as_str(self) -> &'static str {
        match self {
            RevokeReason::Logout => "logout",
            RevokeReason::Manager => "manager",
        }
    }
}

pub async fn revoke_token(
    conn: &mut Conn,
    token_hash: &str,
    reason: RevokeReason,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE tokens SET revoked = 1, revoked_at = $2, revoked_reason = $3
         WHERE token_hash = $1 AND revoked = 0",
    )
    .bind(token_hash)
    .bind(ts(now))
    .bind(reason.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// Whose live tokens a manager revokes.
#[derive(Debug, Clone, Copy)]
pub enum Sessions {
    /// One device (a lost phone).
    Device(Uuid),
    /// Every device of one user.
    User(Uuid),
}

/// Revoke the live tokens `of`: the number revoked, or `None` when there is no such device
/// or user.
pub async fn revoke(
    conn: &mut Conn,
    of: Sessions,
    reason: RevokeReason,
    now: DateTime<Utc>,
) -> Result<Option<u64>, sqlx::Error> {
    let (column, id, known) = match of {
        Sessions::Device(id) => ("client_id", id, client_owner(conn, id).await?.is_some()),
        Sessions::User(id) => ("user_id", id, user_by_id(conn, id).await?.is_some()),
    };
    if !known {
        return Ok(None);
    }
    let done = sqlx::query(&format!(
        "UPDATE tokens SET revoked = 1, revoked_at = $2, revoked_reason = $3
         WHERE {column} = $1 AND revoked = 0"
    ))
    .bind(id.to_string())
    .bind(ts(now))
    .bind(reason.as_str())
    .execute(conn)
    .await?;
    Ok(Some(done.rows_affected()))
}

pub async fn user_by_id(conn: &mut Conn, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query("SELECT * FROM users WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?
        .map(|r| user_from_row(&r))
        .transpose()
}

/// The user a device belongs to.
pub async fn client_owner(conn: &mut Conn, client_id: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    let owner: Option<String> =
        sqlx::query_scalar("SELECT user_id FROM clients WHERE client_id = $1")
            .bind(client_id.to_string())
            .fetch_optional(conn)
            .await?;
    owner.map(|o| parse_uuid(&o)).transpose()
}

/// A device as a manager sees it (`GET /api/v1/devices`).
pub async fn devices(conn: &mut Conn) -> Result<Vec<onsite_core::wire::Device>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.client_id, c.user_id, u.username, u.name, c.last_seq, c.created_at,
                (SELECT MAX(t.last_used_at) FROM tokens t WHERE t.client_id = c.client_id) AS last_seen,
                (SELECT COUNT(*) FROM tokens t WHERE t.client_id = c.client_id AND t.revoked = 0) AS live
         FROM clients c JOIN users u ON u.id = c.user_id
         ORDER BY u.username, c.created_at",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let time = |col: &str| -> Result<Option<DateTime<Utc>>, sqlx::Error> {
                let v: Option<String> = r.try_get(col)?;
                Ok(v.and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
                    .map(|t| t.with_timezone(&Utc)))
            };
            Ok(onsite_core::wire::Device {
                client_id: parse_uuid(&r.try_get::<String, _>("client_id")?)?,
                user_id: parse_uuid(&r.try_get::<String, _>("user_id")?)?,
                username: r.try_get("username")?,
                name: r.try_get("name")?,
                last_seq: r.try_get::<i64, _>("last_seq")?.max(0) as u64,
                first_seen: time("created_at")?,
                last_seen: time("last_seen")?,
                active: r.try_get::<i64, _>("live")? > 0,
            })
        })
        .collect()
}

/// What a bearer token stands for.
#[derive(Debug, Clone)]
pub enum TokenState {
    Live {
        session: Session,
        last_used_at: Option<DateTime<Utc>>,
    },
    /// Revoked (logout or a manager), or its device now belongs to someone else.
    Revoked,
    /// Unused for longer than the idle limit.
    Expired,
    Unknown,
}

impl Store {
    /// The state of the session behind a token hash; `idle_limit` ends an unused one.
    pub async fn token_state(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle_limit: chrono::Duration,
    ) -> Result<TokenState, sqlx::Error> {
        let row = sqlx::query(
            "SELECT t.user_id, t.client_id, t.revoked, t.last_used_at, u.name, u.role,
                    c.user_id AS owner
             FROM tokens t
             JOIN users u ON u.id = t.user_id
             LEFT JOIN clients c ON c.client_id = t.client_id
             WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else {
            return Ok(TokenState::Unknown);
        };
        let user_id: String = r.try_get("user_id")?;
        let owner: Option<String> = r.try_get("owner")?;
        if r.try_get::<i64, _>("revoked")? != 0 || owner.as_deref() != Some(user_id.as_str()) {
            return Ok(TokenState::Revoked);
        }
        let last_used_at = r
            .try_get::<Option<String>, _>("last_used_at")?
            .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
            .map(|t| t.with_timezone(&Utc));
        if last_used_at.is_some_and(|t| now - t > idle_limit) {
            return Ok(TokenState::Expired);
        }
        Ok(TokenState::Live {
            session: Session {
                token_hash: token_hash.to_string(),
                user_id: parse_uuid(&user_id)?,
                client_id: parse_uuid(&r.try_get::<String, _>("client_id")?)?,
                name: r.try_get("name")?,
                role: role_of(&r)?,
            },
            last_used_at,
        })
    }

    /// Note that a token was used (keeps it from expiring).
    pub async fn touch_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE tokens SET last_used_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(ts(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }
}

/// Create a user with an argon2id-hashed password; fails when the username is taken.
pub async fn add_user(
    store: &Store,
    username: &str,
    name: &str,
    role: Role,
    password: &str,
) -> anyhow::Result<Uuid> {
    let username = username.trim();
    anyhow::ensure!(!username.is_empty(), "the username may not be empty");
    anyhow::ensure!(
        password.len() >= 8,
        "the password needs at least 8 characters"
    );
    let hash = {
        let password = password.to_string();
        tokio::task::spawn_blocking(move || crate::auth::hash_password(&password)).await??
    };
    let user = UserRow {
        id: Uuid::new_v4(),
        username: username.to_string(),
        name: name.trim().to_string(),
        role,
        password_hash: hash,
    };
    let mut tx = store.write().await?;
    if by_username(&mut tx, username).await?.is_some() {
        anyhow::bail!("a user named `{username}` exists already");
    }
    insert_user(&mut tx, &user, chrono::Utc::now()).await?;
    tx.commit().await?;
    Ok(user.id)
}

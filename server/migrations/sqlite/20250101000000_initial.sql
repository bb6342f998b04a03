-- Onsite server schema v1 (SQLite). Timestamps are RFC 3339 text in UTC; ids are UUID text.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('engineer', 'manager')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- A device (client_id) is bound to the user who last logged in on it.
CREATE TABLE clients (
    client_id  TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    last_seq   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Bearer tokens, stored as the SHA-256 of the token.
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    client_id  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_user ON tokens (user_id);

-- data = the serialized onsite_core::Case; the other columns are copies for queries.
CREATE TABLE cases (
    id          TEXT PRIMARY KEY NOT NULL,
    number      TEXT NOT NULL,
    assignee_id TEXT,
    status      TEXT NOT NULL,
    data        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX cases_assignee ON cases (assignee_id);

-- data = the serialized onsite_core::Part.
CREATE TABLE parts (
    part_no TEXT PRIMARY KEY NOT NULL,
    data    TEXT NOT NULL
);

-- Van stock per engineer; may go negative (flagged, never refused).
CREATE TABLE stock (
    engineer_id TEXT NOT NULL REFERENCES users (id),
    part_no     TEXT NOT NULL,
    qty         INTEGER NOT NULL,
    PRIMARY KEY (engineer_id, part_no)
);

-- Every stock movement.
CREATE TABLE stock_ledger (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    engineer_id TEXT NOT NULL,
    part_no     TEXT NOT NULL,
    delta       INTEGER NOT NULL,
    case_id     TEXT,
    mutation_id TEXT,
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX stock_ledger_engineer ON stock_ledger (engineer_id, part_no);

-- Audit: every mutation the server processed (applied or rejected), in arrival order.
CREATE TABLE mutations (
    client_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    id          TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    name        TEXT NOT NULL,
    args        TEXT NOT NULL,
    client_time TEXT NOT NULL,
    server_time TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('applied', 'rejected')),
    reason      TEXT,
    PRIMARY KEY (client_id, seq)
);
CREATE INDEX mutations_id ON mutations (id);

-- data = the serialized onsite_core::wire::RejectionRecord.
CREATE TABLE rejections (
    id         TEXT PRIMARY KEY NOT NULL,
    client_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE blobs (
    sha256      TEXT PRIMARY KEY NOT NULL,
    bytes       BLOB NOT NULL,
    size        INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Which cases name a blob (photo.add, case.sign_off): decides who may read it.
CREATE TABLE blob_refs (
    sha256  TEXT NOT NULL,
    case_id TEXT NOT NULL,
    PRIMARY KEY (sha256, case_id)
);

-- The change log pull reads. user_id NULL = visible by the entity's rules; otherwise only
-- to that user. Older rows for the same (entity, entity_id, op, user_id) are compacted away.
CREATE TABLE changes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('put', 'delete')),
    user_id   TEXT
);
CREATE INDEX changes_entity ON changes (entity, entity_id, op, user_id);
CREATE INDEX changes_user ON changes (user_id, id);

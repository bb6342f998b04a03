//! `onsite-server`: parse the command line and hand over to the library.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use onsite_server::{demo, store, Config, Store};

/// glibc's malloc spent a third of the writer thread's time freeing case documents.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// The server must unwind: a panic in one request is answered 500 by the panic catcher and
// never stops the process (only the wasm build aborts; see the Makefile's trunk cargo).
#[cfg(not(panic = "unwind"))]
compile_error!("onsite-server must be built with panic = \"unwind\"");

#[derive(Parser)]
#[command(
    name = "onsite-server",
    version,
    about = "Onsite sync server and PWA host"
)]
struct Cli {
    /// sqlite://FILE (the file and its directory are created when missing) or
    /// postgres://USER@HOST/DATABASE (several instances may share one).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/onsite.db",
        global = true
    )]
    database_url: String,
    /// Address to listen on.
    #[arg(
        long,
        env = "ONSITE_ADDR",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    addr: String,
    /// Directory of the built PWA.
    #[arg(long, env = "ONSITE_DIST", default_value = "dist", global = true)]
    dist: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the PWA (the default).
    Serve(ServeArgs),
    /// Load demo data into an empty database.
    Demo,
    /// Print the manager's dashboard for the cases reported from --from to --to (inclusive).
    Dashboard {
        /// First day, YYYY-MM-DD (UTC).
        #[arg(long)]
        from: chrono::NaiveDate,
        /// Last day, YYYY-MM-DD (UTC), included.
        #[arg(long)]
        to: chrono::NaiveDate,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// List devices, or end their sessions (a lost or handed-over phone).
    Devices {
        #[command(subcommand)]
        command: DeviceCommand,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Every device with its user, last contact and whether it can still sync.
    List,
    /// Revoke one device (`--client`) or every device of a user (`--user`).
    Revoke {
        /// The device's client_id (see `devices list`).
        #[arg(long, conflicts_with = "user", required_unless_present = "user")]
        client: Option<uuid::Uuid>,
        /// A username: all of that user's devices.
        #[arg(long)]
        user: Option<String>,
    },
}

#[derive(Args, Default)]
struct ServeArgs {
    /// Load the demo data first when the database has no users.
    #[arg(long)]
    demo_if_empty: bool,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user.
    Add {
        #[arg(long)]
        username: String,
        /// Display name.
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long, env = "ONSITE_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Engineer,
    Manager,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "onsite_server=info,tower_http=info".into()),
        )
        .init();
    let cli = Cli::parse();
    let config = Config::new(cli.database_url.clone(), cli.dist.clone());
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => {
            let store = Store::connect(&config.database_url).await?;
            if args.demo_if_empty {
                match demo::load_demo(&store).await {
                    Ok(summary) => println!("{summary}"),
                    Err(demo::DemoError::NotEmpty(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            let listener = tokio::net::TcpListener::bind(&cli.addr)
                .await
                .with_context(|| format!("binding {}", cli.addr))?;
            println!("Onsite listening on http://{}", listener.local_addr()?);
            onsite_server::serve(listener, onsite_server::AppState::new(store, config)).await
        }
        Command::Demo => {
            let store = Store::connect(&config.database_url).await?;
            match demo::load_demo(&store).await {
                Ok(summary) => {
                    print!("{summary}");
                    Ok(())
                }
                Err(demo::DemoError::NotEmpty(n)) => {
                    eprintln!(
                        "Not loading demo data: the database already has {n} user(s). \
                         Point --database-url at a new file to try the demo."
                    );
                    std::process::exit(2);
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::Dashboard { from, to } => {
            let store = Store::connect(&config.database_url).await?;
            let text =
                onsite_server::report::dashboard_text(&store, from, to, chrono::Utc::now()).await?;
            print!("{text}");
            Ok(())
        }
        Command::Devices { command } => {
            let store = Store::connect(&config.database_url).await?;
            let text = match command {
                DeviceCommand::List => onsite_server::report::devices_text(&store).await?,
                DeviceCommand::Revoke { client, user } => {
                    onsite_server::report::revoke_text(&store, client, user.as_deref()).await?
                }
            };
            print!("{text}");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    name,
                    role,
                    password,
                },
        } => {
            let store = Store::connect(&config.database_url).await?;
            let role = match role {
                RoleArg::Engineer => onsite_core::Role::Engineer,
                RoleArg::Manager => onsite_core::Role::Manager,
            };
            let id = store::users::add_user(&store, &username, &name, role, &password).await?;
            println!("Added {username} ({name}, {}) with id {id}", role.as_str());
            Ok(())
        }
    }
}

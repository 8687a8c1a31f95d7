//! The `antrean` command: serve, manage users and devices, verify the audit
//! log, back up and restore the database, print the API's OpenAPI document. It parses its arguments, checks
//! what the operator typed (with messages for a terminal) and calls the
//! library, which does the work.

use std::path::PathBuf;
use std::process::ExitCode;

use antrean_core::{Actor, DeviceKind, Role};
use antrean_server::config::{Config, Log};
use antrean_store::{DataLock, Store};
use anyhow::Context;
use clap::{Parser, Subcommand};

#[path = "cli/accounts.rs"]
mod accounts;
#[path = "cli/audit.rs"]
mod audit;
#[path = "cli/backup.rs"]
mod backup;
#[path = "cli/privacy.rs"]
mod privacy;

#[derive(Parser)]
#[command(
    name = "antrean",
    version,
    about = "Antrean: digital queues for public service offices"
)]
struct Cli {
    /// Configuration directory (antrean.toml, offices/*.toml).
    #[arg(long, global = true, default_value = "./config")]
    config: PathBuf,
    /// Data directory (the SQLite database).
    #[arg(long, global = true, default_value = "./data")]
    data: PathBuf,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the API, the live streams and the screens.
    Serve {
        /// Address to listen on (default: `listen` of antrean.toml).
        #[arg(long)]
        listen: Option<String>,
    },
    /// Staff accounts.
    User {
        #[command(subcommand)]
        command: UserCmd,
    },
    /// Kiosks and other devices.
    Device {
        #[command(subcommand)]
        command: DeviceCmd,
    },
    /// The tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCmd,
    },
    /// A citizen's personal data: shown or erased on their request.
    Privacy {
        #[command(subcommand)]
        command: PrivacyCmd,
    },
    /// Writes a verified copy of the database to FILE, also while the
    /// server runs (under load: it takes no lock the server waits for).
    /// Exit 0 when the copy verifies, 1 otherwise (and no file is left).
    /// The audit key and the checkpoints' signing key are not in it.
    Backup {
        /// The backup to write (refused when it exists, unless --force).
        file: PathBuf,
        /// Replace FILE if it exists (only once the new copy verified).
        #[arg(long)]
        force: bool,
    },
    /// Restores a backup into a data directory without a database (the
    /// server stopped), after verifying it with the audit key of the
    /// configuration, which must be restored first. Exit 0 when restored,
    /// 1 otherwise.
    Restore {
        /// The backup, as `antrean backup` wrote it.
        file: PathBuf,
    },
    /// Offices' configurations. The files in offices/ seed the database
    /// on the first start; after that the database is the truth, changed
    /// from /admin or by importing a file here.
    Config {
        #[command(subcommand)]
        command: ConfigCmd,
    },
    /// Prints the OpenAPI document of the HTTP API (as served at
    /// /api/v1/openapi.json), for client generators and contract tests.
    Openapi,
}

#[derive(Subcommand)]
enum ConfigCmd {
    /// Prints an office's configuration as it runs, as TOML (for backup
    /// and review; `import` takes it back). Works while the server runs.
    Export {
        /// The office (needed when there are several).
        #[arg(long)]
        office: Option<String>,
    },
    /// Applies an office file as one validated, logged change (only what
    /// differs; nothing when it is the same). The server must be stopped;
    /// while it runs, import from /admin.
    Import { file: PathBuf },
}

/// Staff accounts, for the first admin and for emergencies; day to day
/// they are managed in /admin. Each change is in the audit log as done by
/// `operator:` and the shell's user.
#[derive(Subcommand)]
enum UserCmd {
    /// Adds a user; the password comes from ANTREAN_PASSWORD or stdin.
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The office of a clerk, help desk or supervisor.
        #[arg(long)]
        office: Option<String>,
    },
    /// Lists the users (of one office with --office).
    List {
        #[arg(long)]
        office: Option<String>,
    },
    /// Sets a user's password (from ANTREAN_PASSWORD or stdin), or with
    /// --one-time prints a one-time password the user replaces at the next
    /// sign-in. Ends the user's sessions.
    Passwd {
        name: String,
        #[arg(long)]
        one_time: bool,
    },
    /// Disables a user: they cannot sign in, their sessions end.
    Disable { name: String },
    /// Enables a disabled user again.
    Enable { name: String },
}

#[derive(Subcommand)]
enum DeviceCmd {
    /// Registers a device and prints its token (shown once).
    Add {
        name: String,
        #[arg(long)]
        office: String,
        #[arg(long, default_value = "kiosk", value_parser = parse_kind)]
        kind: DeviceKind,
    },
    /// Lists the devices of every office (of one with --office).
    List {
        #[arg(long)]
        office: Option<String>,
    },
    /// Revokes a device by its name: its token stops working.
    Revoke {
        name: String,
        #[arg(long)]
        office: String,
    },
}

/// For the staff who answer a citizen's request about their data; the
/// citizen brings their ticket (its code, or its QR code's address).
#[derive(Subcommand)]
enum PrivacyCmd {
    /// Prints what is kept about a ticket, and until when.
    Show { code: String },
    /// Erases a ticket's personal data now (once its day has ended); the
    /// erasure is in the audit log.
    Erase { code: String },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Checks the database file (integrity_check), the keyed hash chain,
    /// the signed checkpoints (nothing cut off since) and the current-state
    /// tables against the events; exit 0 when all hold, 1 when any fails.
    Verify {
        /// The checkpoints' public key (hex), as kept apart from this
        /// machine; default: the one beside the signing key.
        #[arg(long)]
        public_key: Option<String>,
        /// Where the checkpoints are (default: `[audit] checkpoint_dir`).
        #[arg(long)]
        checkpoints: Option<PathBuf>,
    },
    /// Writes a signed checkpoint of the chain's head now.
    Checkpoint,
    /// Prints the public key that checks checkpoints (hex).
    PublicKey,
}

/// mimalloc instead of the system allocator: in A/B runs of the bench,
/// 5-10 % less server CPU per ticket and per live delivery, 30 % less memory
/// per live connection and per waiting ticket, for 12 MiB more at idle.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `serve` logs as its antrean.toml says, once read (nothing logs
    // before); the other commands, run by hand, in text.
    if !matches!(cli.command, Cmd::Serve { .. }) {
        antrean_server::logging::init(&Log::default());
    }
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("antrean: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Cmd::Serve { listen } => {
            let config = Config::load(&cli.config)?;
            antrean_server::logging::init(&config.server.log);
            let _lock = DataLock::take(&cli.data)?;
            let store = Store::open(&cli.data, &config.server.audit.key_file(&cli.data))
                .and_then(|store| store.record_start().map(|()| store))
                .with_context(|| {
                    format!(
                        "the database in {} cannot be written, so the server does not start. \
                         Check the free space (df), the files' owner and mode, their attributes \
                         (lsattr: no `i`), that the disk is not mounted read-only, and that no other \
                         program holds the database",
                        cli.data.display()
                    )
                })?;
            let addr = listen.unwrap_or_else(|| config.server.listen.clone());
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind(&addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr}"))?;
                let local = listener.local_addr()?;
                let scheme = if config.server.tls.is_some() {
                    "https"
                } else {
                    "http"
                };
                let base = format!("{scheme}://{local}");
                println!("Antrean serving on {base}");
                for o in &config.offices {
                    let id = &o.id;
                    println!("  {}:", o.name);
                    println!("    citizens   {base}/o/{id}");
                    println!("    kiosk      {base}/kiosk/{id}");
                    println!("    display    {base}/display/{id}");
                    println!("    counter    {base}/counter/{id}");
                    println!("    help desk  {base}/desk/{id}");
                }
                println!("  admin      {base}/admin");
                println!("  API        {base}/api/v1/openapi.json");
                println!("  data       {}", store.path().display());
                if store.reader.users(None)?.is_empty() {
                    println!(
                        "No staff account yet. Create the first (an admin) with:\n  \
                         antrean user add NAME --role admin   (asks for its password)"
                    );
                }
                if let Some(warning) = antrean_server::config::loopback_base_url_warning(
                    &config.server.public_base_url,
                    local,
                ) {
                    println!("WARNING: {warning}");
                }
                antrean_server::run(listener, config, store, shutdown_signal()).await
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::User { command } => accounts::user(&cli.config, &cli.data, command),
        Cmd::Device { command } => accounts::device(&cli.config, &cli.data, command),
        Cmd::Config {
            command: ConfigCmd::Export { office },
        } => {
            let config = Config::load(&cli.config)?;
            let store = Store::open(&cli.data, &config.server.audit.key_file(&cli.data))?;
            // The database's configuration; an office not yet started
            // runs on its file's from its first start.
            let mut offices = store.reader.office_configs()?;
            for file in &config.offices {
                if !offices.iter().any(|o| o.id == file.id) {
                    offices.push((**file).clone());
                }
            }
            let ids = || {
                offices
                    .iter()
                    .map(|o| o.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut def = match office {
                Some(id) => offices.iter().find(|o| o.id == id).cloned(),
                None if offices.len() == 1 => offices.first().cloned(),
                None => anyhow::bail!("several offices ({}): name one with --office", ids()),
            }
            .with_context(|| format!("unknown office; the offices are {}", ids()))?;
            if let Some(text) = store.reader.restore(&def.id)?.running_text {
                def.running_text = text;
            }
            print!("{}", antrean_server::config::to_toml(&def)?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Config {
            command: ConfigCmd::Import { file },
        } => {
            let config = Config::load(&cli.config)?;
            let to = antrean_server::config::load_office(&file)?;
            let _lock = DataLock::take(&cli.data).context(
                "the server runs on this data directory: stop it, or import from /admin",
            )?;
            let store = Store::open(&cli.data, &config.server.audit.key_file(&cli.data))?;
            let operator = operator();
            let id = to.id.clone();
            let rt = tokio::runtime::Runtime::new()?;
            let changes = rt.block_on(async move {
                let offices = antrean_server::offices::Offices::start(
                    &config.offices,
                    &store,
                    std::time::Duration::from_secs(3600),
                    &Default::default(),
                )?;
                let office = offices
                    .get(&id)
                    .with_context(|| format!("unknown office `{id}`"))?;
                anyhow::Ok(office.import(to, Actor::Operator(operator)).await?)
            })?;
            if changes.is_empty() {
                println!("nothing to change: the office already runs this configuration");
            }
            for c in &changes {
                println!("changed: {c}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Openapi => {
            println!(
                "{}",
                serde_json::to_string_pretty(antrean_server::routes::openapi())?
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Audit { command } => audit::run(&cli.config, &cli.data, command),
        Cmd::Privacy { command } => privacy::run(&cli.config, &cli.data, command),
        Cmd::Backup { file, force } => backup::backup(&cli.config, &cli.data, &file, force),
        Cmd::Restore { file } => backup::restore(&cli.config, &cli.data, &file),
    }
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|e: antrean_core::UnknownRole| e.to_string())
}

fn parse_kind(s: &str) -> Result<DeviceKind, String> {
    s.parse()
        .map_err(|e: antrean_core::UnknownDeviceKind| e.to_string())
}

/// Who runs this command on the server's shell, as the audit log names them.
fn operator() -> String {
    std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

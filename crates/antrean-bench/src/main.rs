//! `antrean-bench`: runs the benchmark against the release server and prints
//! the report (or one JSON object with `--json`).

use std::path::PathBuf;
use std::process::ExitCode;

use antrean_bench::{Mode, Options};
use clap::Parser;

#[derive(Parser)]
#[command(
    name = "antrean-bench",
    about = "Load generator and benchmark report for the Antrean server"
)]
struct Cli {
    /// Smaller sizes; finishes in under 90 s.
    #[arg(long, conflicts_with = "tiny")]
    quick: bool,
    /// A few tickets and 20 live clients: seconds; for the test suite.
    #[arg(long)]
    tiny: bool,
    /// Print one JSON object instead of the report.
    #[arg(long)]
    json: bool,
    /// The server binary (default: target/release/antrean of the workspace).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Directory to create the temporary data directory in (default: the
    /// system's temporary directory). Its disk is the one measured.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// No progress lines on stderr.
    #[arg(long)]
    silent: bool,
    /// Leave out issuance during configuration changes (for an A/B against
    /// a server from before configuration was state).
    #[arg(long)]
    no_config_changes: bool,
    /// Only fair online tickets: a script from two addresses against the
    /// defaults, and a citizen's tap to ticket (see src/fair.rs).
    #[arg(long)]
    fair: bool,
    /// Only the public pages during a sign-in flood from many addresses
    /// (see src/flood.rs).
    #[arg(long)]
    sign_in_flood: bool,
    /// Only backups under load: `VACUUM INTO` against SQLite's online
    /// backup API while tickets are issued (see src/backup.rs).
    #[arg(long)]
    backup: bool,
    /// Only a soak: steady issuing and calls, 500 live connections
    /// reconnecting, the server's threads, fds and RSS sampled, their
    /// slopes fitted (see src/soak.rs). Exits non-zero when not flat.
    #[arg(long)]
    soak: bool,
    /// The soak's length (default 240 s; 20 s with --tiny).
    #[arg(long, requires = "soak")]
    soak_secs: Option<u64>,
    /// Internal: be the other end of the plain TCP fan-out at this address.
    #[arg(long, hide = true)]
    fanout_peer: Option<std::net::SocketAddr>,
    #[arg(long, hide = true, default_value_t = 0)]
    clients: usize,
    #[arg(long, hide = true, default_value_t = 0)]
    rounds: usize,
    #[arg(long, hide = true, default_value_t = 0)]
    bytes: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let mode = match (cli.quick, cli.tiny) {
        (_, true) => Mode::Tiny,
        (true, _) => Mode::Quick,
        _ => Mode::Full,
    };
    let binary = cli
        .server
        .clone()
        .unwrap_or_else(|| antrean_bench::workspace_root().join("target/release/antrean"));
    if let Some(addr) = cli.fanout_peer {
        return match antrean_bench::fanout::peer(addr, cli.clients, cli.rounds, cli.bytes).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("antrean-bench fan-out peer: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    if cli.sign_in_flood {
        let time = std::time::Duration::from_secs(match (cli.tiny, cli.quick) {
            (true, _) => 2,
            (_, true) => 10,
            _ => 30,
        });
        return match antrean_bench::flood::run(&binary, time, !cli.silent).await {
            Ok(r) if cli.json => {
                println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
                ExitCode::SUCCESS
            }
            Ok(r) => {
                print!("{}", antrean_bench::flood::render(&r));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("antrean-bench --sign-in-flood: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    if cli.soak {
        return match antrean_bench::soak::run(
            &binary,
            mode,
            cli.soak_secs,
            cli.data_dir.as_deref(),
            !cli.silent,
        )
        .await
        {
            Ok(r) => {
                if cli.json {
                    println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
                } else {
                    print!("{}", antrean_bench::soak::render(&r));
                }
                if antrean_bench::soak::passed(&r) {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(e) => {
                eprintln!("antrean-bench --soak: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    if cli.backup {
        return match antrean_bench::backup::run(&binary, mode, cli.data_dir.as_deref(), !cli.silent)
            .await
        {
            Ok(r) if cli.json => {
                println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
                ExitCode::SUCCESS
            }
            Ok(r) => {
                print!("{}", antrean_bench::backup::render(&r));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("antrean-bench --backup: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    if cli.fair {
        let root = antrean_bench::workspace_root();
        let (script_for, citizens) = if cli.tiny {
            (std::time::Duration::from_secs(2), 3)
        } else if cli.quick {
            (std::time::Duration::from_secs(20), 20)
        } else {
            (std::time::Duration::from_secs(60), 50)
        };
        return match antrean_bench::fair::run(&binary, &root, script_for, citizens, !cli.silent)
            .await
        {
            Ok(r) if cli.json => {
                println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
                ExitCode::SUCCESS
            }
            Ok(r) => {
                print!("{}", antrean_bench::fair::render(&r));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("antrean-bench --fair: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let opts = Options {
        mode,
        server: cli.server,
        data_parent: cli.data_dir,
        verbose: !cli.silent,
        config_changes: !cli.no_config_changes,
    };
    match antrean_bench::run(&opts).await {
        Ok(report) => {
            if cli.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                print!("{}", antrean_bench::render(&report));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("antrean-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

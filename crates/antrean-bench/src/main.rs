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
    if let Some(addr) = cli.fanout_peer {
        return match antrean_bench::fanout::peer(addr, cli.clients, cli.rounds, cli.bytes).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("antrean-bench fan-out peer: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let mode = match (cli.quick, cli.tiny) {
        (_, true) => Mode::Tiny,
        (true, _) => Mode::Quick,
        _ => Mode::Full,
    };
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

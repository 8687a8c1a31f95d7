//! Runs the bench in tiny mode against the debug server and checks the
//! report's shape and that every live event was delivered, and its backup
//! mode's copies (`--backup --tiny`). No timing
//! assertions: a debug build on a shared machine says nothing about speed.

use std::path::PathBuf;
use std::process::Command;

/// `antrean-bench --tiny --json --silent ARGS` against the debug server:
/// its report.
fn tiny(args: &[&str]) -> serde_json::Value {
    let server = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/antrean");
    assert!(
        server.is_file(),
        "{} is missing: build the debug server first (cargo build -p antrean-server; `cargo test --workspace` does it)",
        server.display()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_antrean-bench"))
        .args(["--tiny", "--json", "--silent"])
        .args(args)
        .arg("--server")
        .arg(&server)
        .output()
        .expect("running antrean-bench");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "antrean-bench --tiny {args:?} failed: {stderr}"
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
}

#[test]
fn tiny_backup_run_copies_each_way_while_tickets_are_issued() {
    let report = tiny(&["--backup"]);
    let copies = report["copies"].as_array().expect("copies is a list");
    assert_eq!(copies.len(), 3, "{report}");
    // The copies in one step finish, hold at least the tickets filled in,
    // and verify; the stepped one starts again as tickets are written.
    for copy in &copies[..2] {
        assert_eq!(copy["finished"], true, "{copy}");
        assert!(
            copy["tickets"].as_u64() >= report["tickets"].as_u64(),
            "{copy}"
        );
    }
    assert!(
        copies[2]["restarts"].as_u64().is_some_and(|n| n > 0),
        "{}",
        copies[2]
    );
    for copy in copies {
        for side in ["during", "without"] {
            assert!(
                copy[side]["tickets"].as_u64().is_some_and(|n| n > 0),
                "{copy}"
            );
            assert!(
                copy[side]["p99_ms"].as_f64().is_some_and(|v| v > 0.0),
                "{copy}"
            );
        }
    }
    assert_eq!(report["command"]["succeeded"], true, "{report}");
}

#[test]
fn tiny_run_reports_every_figure_and_delivers_every_event() {
    let report = tiny(&[]);

    let issue = &report["issue"];
    assert_eq!(issue["concurrency"], 32, "{issue}");
    for key in [
        "tickets_per_s",
        "p50_ms",
        "p99_ms",
        "baseline_per_s",
        "fsync_per_s",
    ] {
        assert!(
            issue[key].as_f64().is_some_and(|v| v > 0.0),
            "issue.{key} in {issue}"
        );
    }
    // Issuance while the configuration changes: both measured, changes made.
    let changes = &report["config_changes"];
    assert!(
        changes["changes"].as_u64().is_some_and(|n| n > 0),
        "{changes}"
    );
    for key in ["p99_with_ms", "p99_without_ms", "ratio", "change_p99_ms"] {
        assert!(
            changes[key].as_f64().is_some_and(|v| v > 0.0),
            "config_changes.{key} in {changes}"
        );
    }
    // Where the cores went during issuance: the server, the bench, nobody.
    for level in report["issue_levels"].as_array().expect("issue_levels") {
        // CPU time comes in 10 ms ticks: a level of a few dozen tickets
        // (one client waiting for each fsync) may cost the bench less
        // than one tick, measured as 0.
        let enough = level["tickets"].as_u64().is_some_and(|n| n >= 200);
        for key in ["bench_cpu_us_per_ticket", "bench_cpu_us_per_baseline"] {
            assert!(
                level[key]
                    .as_f64()
                    .is_some_and(|v| v > 0.0 || (v == 0.0 && !enough)),
                "{key} in {level}"
            );
        }
        for key in ["idle_share_tickets", "idle_share_baseline"] {
            assert!(
                level[key]
                    .as_f64()
                    .is_some_and(|v| (0.0..=1.0).contains(&v)),
                "{key} in {level}"
            );
        }
    }
    assert!(
        issue["ratio_at_equal_core_use"]
            .as_f64()
            .is_some_and(|v| v > 0.0),
        "{issue}"
    );
    let live = report["live"].as_array().expect("live is a list");
    assert!(!live.is_empty());
    for run in live {
        for key in [
            "clients",
            "p50_ms",
            "p99_ms",
            "max_ms",
            "delivered",
            "expected",
        ] {
            assert!(run[key].is_number(), "live.{key} in {run}");
        }
        assert_eq!(run["clients"], 20, "{run}");
        assert!(run["expected"].as_u64().is_some_and(|e| e > 0), "{run}");
        assert_eq!(run["delivered"], run["expected"], "{run}");
        assert_eq!(run["gaps"], 0, "{run}");
        assert_eq!(run["out_of_order"], 0, "{run}");
        let floor = &run["floor"];
        assert_eq!(floor["clients"], 20, "{run}");
        assert!(floor["p99_ms"].as_f64().is_some_and(|v| v > 0.0), "{run}");
        assert!(
            floor["bytes"].as_u64().is_some_and(|b| b > 100),
            "the floor sends frame-sized messages: {run}"
        );
        // CPU shares are measured on both sides of both fan-outs.
        for v in [
            &run["client_cpu_us_per_delivery"],
            &floor["sender_cpu_us_per_delivery"],
            &floor["reader_cpu_us_per_delivery"],
        ] {
            assert!(v.as_f64().is_some_and(|v| v >= 0.0), "{run}");
        }
    }
    let memory = &report["memory"];
    for key in ["idle_rss_bytes", "per_connection_bytes"] {
        assert!(memory[key].is_u64(), "memory.{key} in {memory}");
    }
    assert!(memory["idle_rss_bytes"].as_u64().is_some_and(|v| v > 0));
    for (key, open) in [("restart_all_open", true), ("restart", false)] {
        let restart = &report[key];
        assert!(
            restart["tickets"].as_u64().is_some_and(|t| t > 0),
            "{key}: {restart}"
        );
        assert!(restart["ready_ms"].as_f64().is_some(), "{key}: {restart}");
        assert_eq!(
            restart["open"].as_u64().is_some_and(|n| n > 0),
            open,
            "{key}: {restart}"
        );
        // Nothing acknowledged was lost across the restart, nothing came back.
        assert_eq!(
            restart["waiting_after_restart"], restart["open"],
            "{key}: {restart}"
        );
    }
}

#[test]
fn tiny_soak_reports_every_series_and_its_slope() {
    // 20 s of a debug server is mostly warm-up on a shared machine: the
    // test asserts that every figure is there and nothing failed, not that
    // the slopes are within their bounds (the 4-minute release run judges
    // that, and `--tiny` never fails on it).
    let report = tiny(&["--soak"]);
    let samples = report["samples"].as_array().expect("samples is a list");
    assert!(samples.len() >= 8, "{report}");
    for s in samples {
        for key in ["t_s", "threads", "fds", "rss_bytes"] {
            assert!(s[key].as_f64().is_some_and(|v| v >= 0.0), "{key} in {s}");
        }
        assert!(s["fds"].as_u64().is_some_and(|n| n > 0), "{s}");
    }
    for key in ["threads_per_min", "fds_per_min", "rss_mib_per_min"] {
        assert!(report[key].as_f64().is_some_and(f64::is_finite), "{key}");
        assert!(report["bounds"][key].as_f64().is_some(), "{key}");
    }
    assert!(report["flat"].is_boolean(), "{report}");
    assert_eq!(report["judged"], false, "{report}");
    for key in [
        "reconnects",
        "resumed",
        "tickets_issued",
        "calls",
        "messages",
    ] {
        assert!(
            report[key].as_u64().is_some_and(|n| n > 0),
            "{key} in {report}"
        );
    }
    assert_eq!(report["gaps"], 0, "{report}");
    let errors = &report["errors"];
    for key in ["issue", "call", "connect", "stream"] {
        assert_eq!(errors[key], 0, "{errors}");
    }
}

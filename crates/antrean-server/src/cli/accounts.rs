//! `antrean user …` and `antrean device …`: accounts from the server's
//! shell, for the first admin and for emergencies. The same rules as in
//! /admin (user names, passwords, who works where), and each change is in
//! the audit log with the actor `operator:NAME`. They work while the server
//! runs: a user disabled or a device revoked here is refused at its next
//! request, but the server does not hear of it, so a live stream it holds
//! stays open until it reconnects (from /admin it closes at once).

use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use antrean_core::staff::{check_password, check_placement, check_user_name};
use antrean_core::{Actor, DeviceKind};
use antrean_server::auth;
use antrean_server::config::Config;
use antrean_store::{PasswordKind, Store};

use super::{operator, DeviceCmd, UserCmd};

/// The ids of the offices: those in the database and those whose file
/// waits for the first start.
fn offices(config: &Config, store: &Store) -> anyhow::Result<Vec<String>> {
    let mut ids: Vec<String> = store
        .reader
        .office_configs()?
        .into_iter()
        .map(|o| o.id)
        .collect();
    for file in &config.offices {
        if !ids.contains(&file.id) {
            ids.push(file.id.clone());
        }
    }
    Ok(ids)
}

fn check_office(config: &Config, store: &Store, office: &str) -> anyhow::Result<()> {
    let ids = offices(config, store)?;
    if !ids.iter().any(|o| o == office) {
        anyhow::bail!(
            "unknown office `{office}`; the offices are {}",
            ids.join(", ")
        );
    }
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("ANTREAN_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        eprint!("password: ");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn when(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map_or_else(
        || "never".into(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

pub fn user(config: &Path, data: &Path, command: UserCmd) -> anyhow::Result<ExitCode> {
    let config = Config::load(config)?;
    let store = Store::open(data, &config.server.audit.key_file(data))?;
    let actor = Actor::Operator(operator());
    match command {
        UserCmd::Add { name, role, office } => {
            check_user_name(&name)?;
            check_placement(role, office.as_deref())
                .map_err(|e| anyhow::anyhow!("{e} (--office)"))?;
            if let Some(o) = &office {
                check_office(&config, &store, o)?;
            }
            let password = read_password()?;
            check_password(&name, &password)?;
            let hash = auth::hash_password(&password)?;
            store.add_user(
                &actor,
                &name,
                &hash,
                role,
                office.as_deref(),
                PasswordKind::Chosen,
            )?;
            println!("added {role} `{name}`");
        }
        UserCmd::List { office } => {
            if let Some(o) = &office {
                check_office(&config, &store, o)?;
            }
            for u in store.reader.users(office.as_deref())? {
                let state = match (u.disabled, u.must_change) {
                    (true, _) => "disabled",
                    (false, true) => "one-time password",
                    (false, false) => "active",
                };
                println!(
                    "{:<24} {:<10} {:<16} {:<18} last sign-in {}",
                    u.username,
                    u.role.as_str(),
                    u.office.as_deref().unwrap_or("(all offices)"),
                    state,
                    when(u.last_sign_in)
                );
            }
        }
        UserCmd::Passwd { name, one_time } => {
            let (password, kind) = if one_time {
                (auth::one_time_password(), PasswordKind::OneTime)
            } else {
                let p = read_password()?;
                check_password(&name, &p)?;
                (p, PasswordKind::Chosen)
            };
            let hash = auth::hash_password(&password)?;
            store.set_password(&actor, &name, &hash, kind, None)?;
            if one_time {
                println!("{password}");
                eprintln!("one-time password of `{name}` (shown once): they choose their own at the next sign-in");
            } else {
                println!("password of `{name}` set; their sessions ended");
            }
        }
        UserCmd::Disable { name } => {
            store.set_disabled(&actor, &name, true)?;
            println!("disabled `{name}`; their sessions ended");
        }
        UserCmd::Enable { name } => {
            store.set_disabled(&actor, &name, false)?;
            println!("enabled `{name}`");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn device(config: &Path, data: &Path, command: DeviceCmd) -> anyhow::Result<ExitCode> {
    let config = Config::load(config)?;
    let store = Store::open(data, &config.server.audit.key_file(data))?;
    let actor = Actor::Operator(operator());
    match command {
        DeviceCmd::Add { name, office, kind } => {
            check_office(&config, &store, &office)?;
            let token = auth::new_token();
            store.add_device(&actor, &name, &office, kind, &auth::token_hash(&token))?;
            let screen = match kind {
                DeviceKind::Kiosk => "kiosk",
                DeviceKind::Display => "display",
            };
            println!("{token}");
            eprintln!("{kind} `{name}` of `{office}` registered; open /{screen}/{office}#device={token} once on it");
        }
        DeviceCmd::List { office } => {
            let ids = match office {
                Some(o) => {
                    check_office(&config, &store, &o)?;
                    vec![o]
                }
                None => offices(&config, &store)?,
            };
            for o in ids {
                for d in store.reader.devices(&o)? {
                    println!(
                        "{:<6} {:<24} {:<8} {:<16} last contact {}",
                        d.id,
                        d.name,
                        d.kind.as_str(),
                        d.office,
                        when(d.last_seen)
                    );
                }
            }
        }
        DeviceCmd::Revoke { name, office } => {
            check_office(&config, &store, &office)?;
            let device = store
                .reader
                .devices(&office)?
                .into_iter()
                .find(|d| d.name == name)
                .ok_or_else(|| anyhow::anyhow!("office `{office}` has no device `{name}`"))?;
            store.revoke_device(&actor, device.id)?;
            println!("revoked {} `{name}` of `{office}`", device.kind);
        }
    }
    Ok(ExitCode::SUCCESS)
}

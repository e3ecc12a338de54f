//! `approvalstudio-emulator serve | exec -- CMD ...`

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use approvalstudio_emulator::{Emulator, EmulatorConfig, Quota, UserSpec};
use clap::{Args, Parser, Subcommand};

/// Emulator of the Approval Studio REST API.
#[derive(Parser)]
#[command(name = "approvalstudio-emulator", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve until SIGINT/SIGTERM; prints `listening on http://127.0.0.1:PORT`.
    Serve(Flags),
    /// Start the emulator, run CMD with APPROVALSTUDIO_URL/USERNAME/PASSWORD set, exit with
    /// its exit code.
    Exec {
        #[command(flatten)]
        flags: Flags,
        /// The command and its arguments (after `--`).
        #[arg(last = true, required = true)]
        cmd: Vec<String>,
    },
}

#[derive(Args, Clone)]
struct Flags {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Data directory (default: a temporary directory removed on exit).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Users: `email:password[:lite],...` (the first one is exported by `exec`).
    #[arg(long)]
    users: Option<String>,
    /// Token lifetime in seconds, overriding `keepAliveTime`.
    #[arg(long)]
    token_ttl: Option<u64>,
    /// Request quota `N/PERIOD`, e.g. `2/1m`.
    #[arg(long)]
    quota: Option<String>,
    /// Delay of each processing step in milliseconds.
    #[arg(long)]
    processing_delay_ms: Option<u64>,
    /// Storage limit in bytes.
    #[arg(long)]
    storage_limit_bytes: Option<u64>,
}

impl Flags {
    fn config(&self) -> Result<EmulatorConfig, String> {
        let mut c = EmulatorConfig::default().port(self.port);
        if let Some(d) = &self.data_dir {
            c = c.data_dir(d);
        }
        if let Some(u) = &self.users {
            c = c.users(UserSpec::parse_list(u)?);
        }
        if let Some(t) = self.token_ttl {
            c = c.token_ttl(Duration::from_secs(t));
        }
        if let Some(q) = &self.quota {
            c = c.quota(Quota::parse(q)?);
        }
        if let Some(ms) = self.processing_delay_ms {
            c = c.processing_delay(Duration::from_millis(ms));
        }
        if let Some(l) = self.storage_limit_bytes {
            c = c.storage_limit_bytes(l);
        }
        Ok(c)
    }
}

async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn run(cli: Cli) -> Result<i32, String> {
    match cli.command {
        Command::Serve(flags) => {
            let emu = Emulator::start(flags.config()?)
                .await
                .map_err(|e| format!("{e:#}"))?;
            let mut out = std::io::stdout();
            let _ = writeln!(out, "listening on {}", emu.url());
            let _ = out.flush();
            terminated().await;
            drop(emu);
            Ok(0)
        }
        Command::Exec { flags, cmd } => {
            let emu = Emulator::start(flags.config()?)
                .await
                .map_err(|e| format!("{e:#}"))?;
            let (prog, args) = cmd.split_first().ok_or("no command given")?;
            let mut child = tokio::process::Command::new(prog)
                .args(args)
                .env("APPROVALSTUDIO_URL", emu.url())
                .env("APPROVALSTUDIO_USERNAME", emu.username())
                .env("APPROVALSTUDIO_PASSWORD", emu.password())
                .spawn()
                .map_err(|e| format!("cannot run `{prog}`: {e}"))?;
            let status = tokio::select! {
                s = child.wait() => s.map_err(|e| format!("waiting for `{prog}`: {e}"))?,
                _ = terminated() => {
                    let _ = child.kill().await;
                    child.wait().await.map_err(|e| e.to_string())?
                }
            };
            drop(emu);
            #[cfg(unix)]
            {
                use std::os::unix::process::ExitStatusExt;
                if let Some(sig) = status.signal() {
                    return Ok(128 + sig);
                }
            }
            Ok(status.code().unwrap_or(1))
        }
    }
}

fn main() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("APPROVALSTUDIO_EMULATOR_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("approvalstudio-emulator: {e}");
            std::process::exit(2);
        }
    };
    let code = match rt.block_on(run(cli)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("approvalstudio-emulator: {e}");
            2
        }
    };
    rt.shutdown_timeout(Duration::from_secs(1));
    std::process::exit(code);
}

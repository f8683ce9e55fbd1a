//! `conflab serve [SCENARIO.json] [--port N] [--bind ADDR] [--clock real|manual] [--page-dir DIR]
//! [--webhook-timeout-ms MS]`: the simulated FreeClimb behind real HTTP ([`crate::serve`], `docs/serve.md`).
//! Prints where it listens, the credentials and one line of Python for the SDK; runs until Ctrl-C or SIGTERM.
//! Exit codes: 0 after a clean shutdown, 1 when the address cannot be bound, 2 for a scenario with problems.

use crate::scenario;
use crate::serve::{ClockMode, Options, Server};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Options of `conflab serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The world to start from (see docs/scenarios.md); without it, an empty account.
    #[arg(value_name = "SCENARIO.json")]
    file: Option<String>,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 8765)]
    port: u16,
    /// The address to listen on (loopback by default: the API key is printed, and webhooks go to any URL).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// How virtual time moves: `real` (the wall clock) or `manual` (only by POST /conflab/clock).
    #[arg(long, value_enum, default_value_t = ClockMode::Real)]
    clock: ClockMode,
    /// The built page to serve at / [default: ./dist, then the conflab checkout's dist].
    #[arg(long, value_name = "DIR")]
    page_dir: Option<PathBuf>,
    /// How long a webhook may take in real time before it fails [FreeClimb's: 10000].
    #[arg(long, value_name = "MS", default_value_t = crate::engine::WEBHOOK_TIMEOUT_MS)]
    webhook_timeout_ms: u64,
}

/// Runs `conflab serve` until Ctrl-C or SIGTERM.
pub fn run(args: Args) -> ExitCode {
    let scenario = match &args.file {
        None => scenario::parse("{}").unwrap_or_else(|_| unreachable_empty()),
        Some(file) => match std::fs::read(file) {
            Err(e) => {
                eprintln!("conflab serve: cannot read {file}: {e}");
                return ExitCode::from(2);
            }
            Ok(bytes) => match scenario::parse_bytes(&bytes) {
                Ok(s) => s,
                Err(errors) => {
                    eprint!("{}", errors.render(file));
                    return ExitCode::from(2);
                }
            },
        },
    };
    let options = Options {
        scenario,
        addr: SocketAddr::new(args.bind, args.port),
        clock: args.clock,
        webhook_timeout: Duration::from_millis(args.webhook_timeout_ms),
        page_dir: crate::serve::page::find_dir(args.page_dir),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("conflab serve: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(serve(options))
}

async fn serve(options: Options) -> ExitCode {
    let clock = options.clock;
    let page = options.page_dir.clone();
    let server = match Server::start(options).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("conflab serve: cannot listen: {e} (is the port taken? try --port 0)");
            return ExitCode::from(1);
        }
    };
    let base = server.base_url();
    println!(
        "conflab serve: FreeClimb at {base} (clock: {})",
        clock.as_str()
    );
    println!("  account id: {}", server.account_id);
    println!("  API key:    {}", server.api_key);
    println!(
        "  Python SDK: freeclimb.Configuration(host=\"{base}\", username=\"{}\", password=\"{}\")",
        server.account_id, server.api_key
    );
    println!(
        "  control:    http://{}/conflab/steps, /conflab/log, /conflab/scenario, /conflab/info",
        server.addr
    );
    match page {
        Some(dir) => println!(
            "  page:       http://{}/ (from {})",
            server.addr,
            dir.display()
        ),
        None => println!("  page:       not built (./x serve, or trunk build --release --offline)"),
    }
    println!("Ctrl-C stops.");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    wait_for_signal().await;
    eprintln!("conflab serve: stopping");
    match server.stop().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("conflab serve: {e}");
            ExitCode::from(1)
        }
    }
}

/// Ctrl-C (SIGINT) or SIGTERM.
async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

fn unreachable_empty() -> scenario::Scenario {
    // "{}" is a valid scenario (tested by the scenario reader's tests); this is never reached.
    panic!("the empty scenario did not parse")
}

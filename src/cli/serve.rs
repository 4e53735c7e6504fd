//! `redflag serve`: the HTTP service (see `crate::serve` and docs/serve.md).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use super::Status;
use crate::serve::{self, auth::Auth, Limits, Options};

pub(super) const EXIT_CODES: &str = "Exit codes:
  0  stopped by SIGTERM or Ctrl-C after answering the requests in flight
  2  bad usage, a rule pack or list that does not load, a token file with problems,
     a database that cannot be opened, or an address that cannot be bound";

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LogFormat {
    /// One JSON object per line (for log collectors).
    Json,
    /// Plain text.
    Text,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// Rule pack directory (default: the pack built into redflag).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Screening list, as `check --list` takes it (repeatable).
    #[arg(long = "list", value_name = "[FORMAT:]FILE")]
    lists: Vec<String>,
    /// Import and index the `--list` files afresh on every load, without the list index cache
    /// that `check` shares (see `check --no-list-cache`); results are the same either way.
    #[arg(long)]
    no_list_cache: bool,
    /// Address to listen on. Without TLS keep it on loopback and put a TLS proxy in front
    /// (docs/serve.md).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The database: a SQLite file (created if missing) or a `postgres://` URL shared by
    /// several servers.
    #[arg(long, value_name = "FILE|URL", default_value = "redflag.db")]
    db: String,
    /// Token file (TOML: `[[tokens]]` with `name`, `roles`, `sha256`). Without it a one-off
    /// token with every role is printed on stderr.
    #[arg(long, value_name = "FILE")]
    auth: Option<PathBuf>,
    /// PEM certificate chain: serve HTTPS (with --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Largest request body in bytes (413 beyond).
    #[arg(long, value_name = "BYTES", default_value_t = 8 * 1024 * 1024)]
    max_body: usize,
    /// Most orders in one check request (413 beyond).
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    max_orders: usize,
    /// Longest a request may take, in seconds (408 beyond).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,
    /// Judging threads (default: all cores).
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Log format on stderr (filter with RUST_LOG, default `info`).
    #[arg(long, value_enum, default_value = "json")]
    log_format: LogFormat,
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.with_ansi(false).try_init(),
    };
}

pub(super) fn run(args: ServeArgs) -> Status {
    init_logs(args.log_format);
    let auth = match &args.auth {
        Some(path) => match Auth::load(path) {
            Ok(auth) => auth,
            Err(problems) => {
                for p in problems {
                    eprintln!("error: {p}");
                }
                return Status::Error;
            }
        },
        None => match Auth::ephemeral() {
            Ok((auth, token)) => {
                eprintln!("no --auth token file: this run's token, with every role, is\n  {token}\nsend it as `Authorization: Bearer {token}`; give a token file for reviewers of their own (four eyes needs two)");
                auth
            }
            Err(e) => {
                eprintln!("error: {e}");
                return Status::Error;
            }
        },
    };
    let tls = args.tls_cert.clone().zip(args.tls_key.clone());
    if tls.is_none() && !args.listen.ip().is_loopback() {
        tracing::warn!(listen = %args.listen, "serving plain HTTP on a non-loopback address: tokens and decisions cross the network in clear; give --tls-cert/--tls-key or put a TLS proxy in front (docs/serve.md)");
    }
    let options = Options {
        rules: args.rules,
        lists: args.lists,
        list_cache: super::cache_dir(args.no_list_cache),
        listen: args.listen,
        db: args.db,
        auth: args.auth,
        tls,
        limits: Limits {
            max_body: args.max_body,
            max_orders: args.max_orders.max(1),
            timeout: std::time::Duration::from_secs(args.timeout.max(1)),
        },
        threads: args.threads,
    };
    let outcome = serve::serve(options, auth, |addr, tls| {
        // The address is data (a caller may have asked for port 0): stdout, flushed at once.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "listening on {}://{addr}",
            if tls { "https" } else { "http" }
        );
        let _ = out.flush();
    });
    match outcome {
        Ok(()) => Status::Clean,
        Err(e) => {
            eprintln!("error: {e}");
            Status::Error
        }
    }
}

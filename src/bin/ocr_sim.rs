//! `ocr-sim`: the TallyScan OCR simulator on a TCP port (a thin CLI over
//! `tallyscan::sim::run`).
//!
//! ```text
//! ocr-sim [--host 127.0.0.1] [--port 8787] [--scenario FILE.json]
//!         [--latency MIN-MAX] [--rate R --burst B] [--seed N] [--addr-file FILE] [--tls]
//!         [--control-token TOKEN]
//! ```
//!
//! `--tls` serves HTTPS with HTTP/2 (self-signed certificate) instead of plain HTTP/1.1.
//! `--control-token` lets browser pages that send it in `x-sim-control` use
//! the `/_sim/*` routes (tests); without it no browser page can.

use std::process::ExitCode;
use tallyscan::sim::{RateLimitSpec, Scenario, SimOptions};

fn usage(msg: &str) -> ExitCode {
    eprintln!("ocr-sim: {msg}\nusage: ocr-sim [--host H] [--port P] [--scenario FILE] [--latency MIN-MAX] [--rate R] [--burst B] [--seed N] [--addr-file FILE] [--tls] [--control-token TOKEN]");
    ExitCode::from(2)
}

/// What the command line asked for.
struct Args {
    host: String,
    port: u16,
    scenario: Scenario,
    addr_file: Option<String>,
    tls: bool,
    options: SimOptions,
}

/// A flag's value as a number, or what the flag takes.
fn number<T: std::str::FromStr>(value: &str, takes: &str) -> Result<T, String> {
    value.parse().map_err(|_| takes.to_string())
}

fn read_scenario(file: &str) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{file} is not a valid scenario: {e}"))
}

/// The command line read, or why it cannot be.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args {
        host: "127.0.0.1".into(),
        port: 8787,
        scenario: Scenario::default(),
        addr_file: None,
        tls: false,
        options: SimOptions::default(),
    };
    let (mut rate, mut burst) = (None::<f64>, 1u32);
    while let Some(flag) = args.next() {
        if flag == "--tls" {
            a.tls = true;
            continue;
        }
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--host" => a.host = value,
            "--port" => a.port = number(&value, "--port takes a number")?,
            "--scenario" => a.scenario = read_scenario(&value)?,
            "--latency" => {
                a.scenario.latency_ms = value
                    .split_once('-')
                    .and_then(|(lo, hi)| Some((lo.parse().ok()?, hi.parse().ok()?)))
                    .ok_or("--latency takes MIN-MAX in ms, e.g. 200-800")?
            }
            "--rate" => rate = Some(number(&value, "--rate takes requests per second")?),
            "--burst" => burst = number(&value, "--burst takes a number")?,
            "--seed" => a.scenario.seed = number(&value, "--seed takes a number")?,
            "--addr-file" => a.addr_file = Some(value),
            "--control-token" => a.options.control_token = Some(value),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if let Some(rate) = rate {
        a.scenario.rate_limit = Some(RateLimitSpec { rate, burst });
    }
    a.scenario
        .validate()
        .map_err(|why| format!("bad scenario: {why}"))?;
    Ok(a)
}

/// Listens, says where, serves until the end or Ctrl-C.
async fn serve(a: Args) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind((a.host.as_str(), a.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("ocr-sim: cannot listen on {}:{}: {e}", a.host, a.port);
            return ExitCode::from(1);
        }
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let scheme = if a.tls { "https" } else { "http" };
    println!(
        "TallyScan OCR simulator (synthetic answers, not a real model) on {scheme}://{addr}/v1"
    );
    if let Some(f) = &a.addr_file {
        if let Err(e) = std::fs::write(f, &addr) {
            eprintln!("ocr-sim: cannot write {f}: {e}");
            return ExitCode::from(1);
        }
    }
    let run = async {
        if a.tls {
            tallyscan::sim::run_tls(listener, a.scenario, a.options).await
        } else {
            tallyscan::sim::run_with(listener, a.scenario, a.options).await
        }
    };
    tokio::select! {
        r = run => match r {
            Err(e) => { eprintln!("ocr-sim: {e}"); ExitCode::from(1) }
            Ok(_) => ExitCode::SUCCESS,
        },
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(why) => return usage(&why),
    };
    match tokio::runtime::Runtime::new() {
        Ok(rt) => rt.block_on(serve(args)),
        Err(e) => usage(&format!("cannot start the runtime: {e}")),
    }
}

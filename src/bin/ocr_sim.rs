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

fn main() -> ExitCode {
    let mut host = "127.0.0.1".to_string();
    let mut port: u16 = 8787;
    let mut scenario = Scenario::default();
    let mut rate: Option<f64> = None;
    let mut burst: u32 = 1;
    let mut addr_file: Option<String> = None;
    let mut tls = false;
    let mut options = SimOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--tls" {
            tls = true;
            continue;
        }
        let Some(value) = args.next() else {
            return usage(&format!("{flag} needs a value"));
        };
        match flag.as_str() {
            "--host" => host = value,
            "--port" => match value.parse() {
                Ok(p) => port = p,
                Err(_) => return usage("--port takes a number"),
            },
            "--scenario" => {
                let text = match std::fs::read_to_string(&value) {
                    Ok(t) => t,
                    Err(e) => return usage(&format!("cannot read {value}: {e}")),
                };
                match serde_json::from_str(&text) {
                    Ok(s) => scenario = s,
                    Err(e) => return usage(&format!("{value} is not a valid scenario: {e}")),
                }
            }
            "--latency" => {
                let parsed = value
                    .split_once('-')
                    .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
                match parsed {
                    Some(l) => scenario.latency_ms = l,
                    None => return usage("--latency takes MIN-MAX in ms, e.g. 200-800"),
                }
            }
            "--rate" => match value.parse() {
                Ok(r) => rate = Some(r),
                Err(_) => return usage("--rate takes requests per second"),
            },
            "--burst" => match value.parse() {
                Ok(b) => burst = b,
                Err(_) => return usage("--burst takes a number"),
            },
            "--seed" => match value.parse() {
                Ok(s) => scenario.seed = s,
                Err(_) => return usage("--seed takes a number"),
            },
            "--addr-file" => addr_file = Some(value),
            "--control-token" => options.control_token = Some(value),
            other => return usage(&format!("unknown option {other}")),
        }
    }
    if let Some(rate) = rate {
        scenario.rate_limit = Some(RateLimitSpec { rate, burst });
    }
    if let Err(why) = scenario.validate() {
        return usage(&format!("bad scenario: {why}"));
    }
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return usage(&format!("cannot start the runtime: {e}")),
    };
    rt.block_on(async move {
        let listener = match tokio::net::TcpListener::bind((host.as_str(), port)).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("ocr-sim: cannot listen on {host}:{port}: {e}");
                return ExitCode::from(1);
            }
        };
        let addr = listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        println!(
            "TallyScan OCR simulator (synthetic answers, not a real model) on http://{addr}/v1"
        );
        if let Some(f) = addr_file {
            if let Err(e) = std::fs::write(&f, &addr) {
                eprintln!("ocr-sim: cannot write {f}: {e}");
                return ExitCode::from(1);
            }
        }
        tokio::select! {
            r = async {
                if tls {
                    tallyscan::sim::run_tls(listener, scenario, options).await
                } else {
                    tallyscan::sim::run_with(listener, scenario, options).await
                }
            } => {
                if let Err(e) = r { eprintln!("ocr-sim: {e}"); return ExitCode::from(1); }
                ExitCode::SUCCESS
            }
            _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
        }
    })
}

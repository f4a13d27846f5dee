//! `attnscope-cli`: loads a model folder, runs it on text, prints the `Trace` as JSON.
//!
//! ```text
//! attnscope-cli --model assets/models/sentiment-transformer --text "not bad at all"
//!               [--mask 2,5] [--heads-off 0:1,1:3] [--temperature 0.7] [--inspect 0:0] [--pretty]
//! attnscope-cli --model DIR --lines        # one text per line on stdin, one JSON per line out
//! ```
//! Exit status: 0 on success, 2 for bad arguments or a model folder that cannot be used.
#![warn(missing_docs)]

use attnscope_core::{Interventions, Model};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// What the command line asked for.
#[derive(Debug, Default)]
struct Args {
    model: Option<PathBuf>,
    text: Option<String>,
    lines: bool,
    pretty: bool,
    interventions: Interventions,
}

fn pair(text: &str) -> Result<(usize, usize), String> {
    let (a, b) = text
        .split_once(':')
        .ok_or_else(|| format!("“{text}” is not LAYER:HEAD"))?;
    Ok((
        a.parse().map_err(|_| format!("“{a}” is not a number"))?,
        b.parse().map_err(|_| format!("“{b}” is not a number"))?,
    ))
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args::default();
    while let Some(flag) = argv.next() {
        let mut value = || argv.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--model" => args.model = Some(PathBuf::from(value()?)),
            "--text" => args.text = Some(value()?),
            "--lines" => args.lines = true,
            "--pretty" => args.pretty = true,
            "--mask" => {
                args.interventions.masked_tokens = value()?
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        s.parse()
                            .map_err(|_| format!("“{s}” is not a token position"))
                    })
                    .collect::<Result<_, _>>()?
            }
            "--heads-off" => {
                args.interventions.heads_off = value()?
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(pair)
                    .collect::<Result<_, _>>()?
            }
            "--temperature" => {
                let v = value()?;
                args.interventions.temperature = v
                    .parse()
                    .ok()
                    .filter(|t: &f32| t.is_finite() && *t > 0.0)
                    .ok_or_else(|| format!("“{v}” is not a positive temperature"))?
            }
            "--inspect" => args.interventions.inspect = Some(pair(&value()?)?),
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument “{other}”")),
        }
    }
    if args.model.is_none() {
        return Err("--model DIR is required".into());
    }
    if args.text.is_none() && !args.lines {
        return Err("give --text TEXT or --lines".into());
    }
    Ok(args)
}

const USAGE: &str = "usage: attnscope-cli --model DIR (--text TEXT | --lines) [--mask 2,5] [--heads-off 0:1,1:3] [--temperature T] [--inspect L:H] [--pretty]";

fn run_one(model: &Model, text: &str, args: &Args) -> Result<String, String> {
    let started = Instant::now();
    let mut trace = model
        .run(text, &args.interventions)
        .map_err(|e| e.to_string())?;
    trace.elapsed_ms = Some(started.elapsed().as_secs_f64() * 1e3);
    let json = if args.pretty {
        serde_json::to_string_pretty(&trace)
    } else {
        serde_json::to_string(&trace)
    };
    json.map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("attnscope-cli: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let dir = args.model.clone().expect("checked");
    let model = match Model::from_dir(&dir) {
        Ok(model) => model,
        Err(error) => {
            eprintln!("attnscope-cli: {}: {error}", dir.display());
            return ExitCode::from(2);
        }
    };
    let texts: Box<dyn Iterator<Item = String>> = match &args.text {
        Some(text) => Box::new(std::iter::once(text.clone())),
        None => Box::new(std::io::stdin().lock().lines().map_while(Result::ok)),
    };
    let mut out = std::io::stdout().lock();
    for text in texts {
        match run_one(&model, &text, &args) {
            Ok(json) => {
                if writeln!(out, "{json}").is_err() {
                    // The reader went away (`| head`): nothing left to do, and no panic.
                    return ExitCode::SUCCESS;
                }
            }
            Err(error) => {
                eprintln!("attnscope-cli: {error}");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

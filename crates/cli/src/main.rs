//! `attnscope-cli`: loads a model folder, runs it on text, prints the `Trace` as JSON.
//!
//! ```text
//! attnscope-cli --model assets/models/sentiment-transformer --text "not bad at all"
//!               [--mask 2,5] [--heads-off 0:1,1:3] [--temperature 0.7] [--inspect 0:0] [--pretty]
//! attnscope-cli --model DIR --lines        # one text per line on stdin, one JSON per line out
//! attnscope-cli render --model DIR --text TEXT --view heatmap --format svg -o fig.svg   # a figure
//! ```
//! Exit status: 0 on success, 2 for bad arguments or a model folder that cannot be used.
#![warn(missing_docs)]

mod render;

use attnscope_core::{Interventions, Model};
use attnscope_plot::figure::ViewKind;
use render::{render, RenderArgs};
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

/// `LAYER:HEAD` (or the app's `LAYER.HEAD`).
fn pair(text: &str) -> Result<(usize, usize), String> {
    let (a, b) = text
        .split_once([':', '.'])
        .ok_or_else(|| format!("“{text}” is not LAYER:HEAD"))?;
    Ok((
        a.parse().map_err(|_| format!("“{a}” is not a number"))?,
        b.parse().map_err(|_| format!("“{b}” is not a number"))?,
    ))
}

/// Token positions, `2,5`.
fn positions(value: &str) -> Result<Vec<usize>, String> {
    value
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| format!("“{s}” is not a token position"))
        })
        .collect()
}

/// Heads, `0:1,1:3`.
fn pairs(value: &str) -> Result<Vec<(usize, usize)>, String> {
    value
        .split(',')
        .filter(|s| !s.is_empty())
        .map(pair)
        .collect()
}

/// The arguments of `render`.
fn parse_render(mut argv: impl Iterator<Item = String>) -> Result<RenderArgs, String> {
    let (mut model, mut text, mut view, mut format, mut output) = (None, None, None, None, None);
    let mut args = RenderArgs {
        model: PathBuf::new(),
        text: String::new(),
        view: ViewKind::Pe,
        at: (0, 0),
        interventions: Interventions::default(),
        format: String::new(),
        output: PathBuf::new(),
        dark: false,
        font: None,
    };
    while let Some(flag) = argv.next() {
        let mut value = || argv.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("“{v}” is not a number"))
        };
        match flag.as_str() {
            "--model" => model = Some(PathBuf::from(value()?)),
            "--text" => text = Some(value()?),
            "--view" => view = Some(value()?),
            "--layer" => args.at.0 = number(value()?)?,
            "--head" => args.at.1 = number(value()?)?,
            "--mask" => args.interventions.masked_tokens = positions(&value()?)?,
            "--heads-off" => args.interventions.heads_off = pairs(&value()?)?,
            "--format" => format = Some(value()?),
            "-o" | "--output" => output = Some(PathBuf::from(value()?)),
            "--dark" => args.dark = true,
            "--font" => args.font = Some(PathBuf::from(value()?)),
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument “{other}”")),
        }
    }
    let view = view.ok_or("--view is required")?;
    args.view = ViewKind::parse(&view)
        .ok_or_else(|| format!("there is no view “{view}”; views: {}", ViewKind::names()))?;
    if args.view != ViewKind::Pe {
        args.model = model.ok_or("--model DIR is required")?;
        args.text = text.ok_or("--text TEXT is required")?;
    }
    args.output = output.ok_or("-o FILE is required")?;
    // The format defaults to the output's extension.
    let extension = args
        .output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    args.format = format
        .or(extension)
        .ok_or("--format svg|png|json is required")?;
    Ok(args)
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
            "--mask" => args.interventions.masked_tokens = positions(&value()?)?,
            "--heads-off" => args.interventions.heads_off = pairs(&value()?)?,
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

const USAGE: &str = "usage: attnscope-cli --model DIR (--text TEXT | --lines) [--mask 2,5] [--heads-off 0:1,1:3] [--temperature T] [--inspect L:H] [--pretty]
       attnscope-cli render --model DIR --text TEXT --view heatmap|head|model|rollout|pooling|alignment|pe [--layer L --head H] [--mask 2,5] [--heads-off 0:1] [--dark] [--font FILE.ttf] --format svg|png|json -o FILE";

/// `attnscope-cli render …`.
fn render_main(argv: impl Iterator<Item = String>) -> ExitCode {
    let args = match parse_render(argv) {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("attnscope-cli render: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match render(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("attnscope-cli render: {message}");
            ExitCode::from(2)
        }
    }
}

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
    let mut argv = std::env::args().skip(1).peekable();
    if argv.peek().map(String::as_str) == Some("render") {
        argv.next();
        return render_main(argv);
    }
    let args = match parse(argv) {
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

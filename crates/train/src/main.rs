//! `attnscope-train --data DIR [--work DIR] [--out DIR] [--fixtures DIR] [--only NAME]…
//! [--resume] [--stop-after SECONDS] [--epochs N] [--batch N] [--lr X] [--dropout P]
//! [--max-steps N]` — prepares the data, trains the tokenizers and the five models,
//! writes their folders, model cards and fidelity fixtures.
//!
//! `attnscope-train --data DIR --export-splits OUT` writes the prepared splits instead
//! (`sentiment.json`, `topic.json`, `translation.json`) for the teacher and the distillation
//! scripts in `tools/distil/`, which run where PyTorch is; nothing is trained.
//!
//! `attnscope-train --data DIR --distilled STUDENTS [--out DIR] [--fixtures DIR]` installs the
//! classifiers `tools/distil/student.py` wrote into STUDENTS: their folders, fidelity fixtures
//! and cards, every figure measured again by attnscope-core on the installed folder.

use attnscope_train::baseline::naive_bayes_accuracy;
use attnscope_train::card::{
    history, Card, Target, CANDLE_FRAMEWORK, CANDLE_REPRODUCE, SENTIMENT_SOURCES, TOPIC_SOURCES,
    TRANSLATION_SOURCES,
};
use attnscope_train::data::{sentiment, topic, translation, Example, Splits};
use attnscope_train::models::{
    self, Architecture, Dataset, Shipped, CLASSIFIER_VOCAB, SHIPPED, TRANSLATION_VOCAB,
};
use attnscope_train::optim::Schedule;
use attnscope_train::run::{
    classifier_fixture, train_classifier, train_translator, translator_fixture, write,
    ClassifierJob, TrainError, TranslatorJob,
};
use attnscope_train::tokenizer::{self, Role};
use std::path::PathBuf;
use std::process::ExitCode;

struct Options {
    data: PathBuf,
    work: PathBuf,
    out: PathBuf,
    fixtures: PathBuf,
    only: Vec<String>,
    resume: bool,
    epochs: Option<usize>,
    max_steps: Option<usize>,
    batch: Option<usize>,
    stop_at: Option<std::time::Instant>,
    lr: Option<f64>,
    dropout: Option<f32>,
    export_splits: Option<PathBuf>,
    distilled: Option<PathBuf>,
}

fn parse() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut o = Options {
        data: PathBuf::new(),
        work: std::env::temp_dir().join("attnscope-train"),
        out: PathBuf::from("assets/models"),
        fixtures: PathBuf::from("crates/train/tests/fixtures"),
        only: Vec::new(),
        resume: false,
        epochs: None,
        max_steps: None,
        batch: None,
        stop_at: None,
        lr: None,
        dropout: None,
        export_splits: None,
        distilled: None,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--data" => o.data = value()?.into(),
            "--work" => o.work = value()?.into(),
            "--out" => o.out = value()?.into(),
            "--fixtures" => o.fixtures = value()?.into(),
            "--only" => o.only.push(value()?),
            "--resume" => o.resume = true,
            "--export-splits" => o.export_splits = Some(value()?.into()),
            "--distilled" => o.distilled = Some(value()?.into()),
            "--epochs" => o.epochs = Some(value()?.parse().map_err(|_| "--epochs: a number")?),
            "--max-steps" => {
                o.max_steps = Some(value()?.parse().map_err(|_| "--max-steps: a number")?)
            }
            "--batch" => o.batch = Some(value()?.parse().map_err(|_| "--batch: a number")?),
            "--lr" => o.lr = Some(value()?.parse().map_err(|_| "--lr: a number")?),
            "--dropout" => o.dropout = Some(value()?.parse().map_err(|_| "--dropout: a number")?),
            "--stop-after" => {
                let secs: u64 = value()?.parse().map_err(|_| "--stop-after: seconds")?;
                o.stop_at = Some(std::time::Instant::now() + std::time::Duration::from_secs(secs));
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if o.data.as_os_str().is_empty() {
        return Err("--data DIR is required (the folder scripts/fetch-data.sh fills)".into());
    }
    Ok(o)
}

/// Trains a tokenizer, or reuses the one an earlier (or parallel) run of the same task left
/// in the work folder, so resumed runs and both models of a task share one vocabulary.
fn tokenizer_json(
    o: &Options,
    task: &str,
    texts: &[String],
    vocab: usize,
    role: Role,
    strip: bool,
) -> Result<String, TrainError> {
    let cached = o.work.join(format!("{task}.tokenizer.json"));
    if let Ok(json) = std::fs::read_to_string(&cached) {
        return Ok(json);
    }
    let json = tokenizer::train(texts, vocab, role, strip)
        .and_then(|t| t.to_string(false))
        .map_err(|e| TrainError::Tokenizer(e.to_string()))?;
    if let Ok(json) = std::fs::read_to_string(&cached) {
        return Ok(json); // a parallel run finished first
    }
    let partial = cached.with_extension(format!("{}.partial", std::process::id()));
    write(&partial, &json)?;
    std::fs::rename(&partial, &cached).map_err(|source| TrainError::Io {
        path: cached.clone(),
        source,
    })?;
    Ok(json)
}

fn schedule(base: Schedule, o: &Options) -> Schedule {
    Schedule {
        epochs: o.epochs.unwrap_or(base.epochs),
        max_steps: o.max_steps.or(base.max_steps),
        batch: o.batch.unwrap_or(base.batch),
        lr: o.lr.unwrap_or(base.lr),
        dropout: o.dropout.unwrap_or(base.dropout),
        ..base
    }
}

/// The threads training used and the machine, e.g. "2 CPU threads of a 2-core AMD EPYC".
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(cores);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| {
                l.strip_prefix("model name")?
                    .split_once(':')
                    .map(|(_, v)| v.trim().to_string())
            })
        })
        .unwrap_or_else(|| "CPU".into());
    format!(
        "{threads} CPU threads of a {cores}-core {cpu} (training seconds summed over resumed processes)"
    )
}

/// One classification task: its data, tokenizer and what its cards say about the data.
struct Task<'a> {
    labels: &'a [&'a str],
    data: &'a Splits<Example>,
    tokenizer: &'a str,
    sources: &'a [attnscope_train::card::Source],
    preprocessing: &'a str,
    unit: &'a str,
    /// The test accuracy the task asks for.
    bar: f64,
}

/// Trains, measures and writes the card of the shipped classifier `model` on `task`.
fn classifier(o: &Options, model: &Shipped, task: &Task<'_>) -> Result<(), TrainError> {
    let name = model.name;
    let transformer = model.architecture == Architecture::Transformer;
    let Task {
        labels,
        data,
        tokenizer,
        sources,
        preprocessing,
        unit,
        bar,
    } = *task;
    let config = if transformer {
        models::transformer(CLASSIFIER_VOCAB, labels)
    } else {
        models::bilstm(CLASSIFIER_VOCAB, labels)
    };
    let base = model.schedule;
    let out = o.out.join(name);
    let job = ClassifierJob {
        config,
        tokenizer_json: tokenizer,
        data,
        schedule: schedule(base, o),
        work: o.work.join(name),
        out: out.clone(),
        resume: o.resume,
        stop_at: o.stop_at,
    };
    eprintln!(
        "== {name}: {} train / {} dev / {} test",
        data.train.len(),
        data.dev.len(),
        data.test.len()
    );
    let report = train_classifier(&job)?;
    let baseline = naive_bayes_accuracy(&data.train, &data.test, labels.len());
    let summary = if transformer {
        "A Transformer encoder classifier (2 post-norm layers, d = 128, 4 heads, d_ff = 512, GELU, \
         sinusoidal positional encoding, [CLS] pooling), trained from scratch."
    } else {
        "A BiLSTM classifier (embeddings 64, 2 bidirectional layers of hidden 128, additive \
         attention pooling of width 128), trained from scratch."
    };
    let card = Card {
        name,
        summary: format!("{summary} Labels: {}.", labels.join(", ")),
        sources,
        preprocessing,
        splits: (data.sizes(), unit),
        parameters: report.parameters,
        metrics: vec![
            (
                "test accuracy (shipped f16 weights)".into(),
                format!("{:.4}", report.test_accuracy),
            ),
            (
                "test accuracy (f32 weights)".into(),
                format!("{:.4}", report.test_accuracy_f32),
            ),
            (
                "dev accuracy (shipped f16 weights)".into(),
                format!("{:.4}", report.dev_accuracy),
            ),
            (
                "baseline: bag-of-words Naive Bayes, same split, test".into(),
                format!("{baseline:.4}"),
            ),
        ],
        confusion: Some((
            labels.iter().map(|l| l.to_string()).collect(),
            report.confusion.clone(),
        )),
        target: Target {
            metric: "test accuracy",
            bar,
            rule: String::new(),
            reached: report.test_accuracy,
            decimals: 3,
            baseline: Some(("A bag-of-words Naive Bayes", baseline)),
            history: history(name),
        },
        epochs: report
            .dev_by_epoch
            .iter()
            .zip(&report.loss_by_epoch)
            .enumerate()
            .map(|(i, (dev, loss))| {
                format!(
                    "epoch {}: mean training loss {loss:.4}, dev accuracy {dev:.4}",
                    i + 1
                )
            })
            .collect(),
        schedule: serde_json::to_string(&job.schedule).expect("serialises"),
        time: format!(
            "{} optimiser steps in {:.0} s on {}.",
            report.steps,
            report.seconds,
            machine()
        ),
        framework: CANDLE_FRAMEWORK.into(),
        reproduce: CANDLE_REPRODUCE.into(),
        sections: String::new(),
    };
    write(&out.join("MODEL_CARD.md"), card.render())?;
    let texts: Vec<String> = data.test.iter().take(100).map(|e| e.text.clone()).collect();
    let fixture = classifier_fixture(&out, &texts)?;
    write(
        &o.fixtures.join(format!("{name}.json")),
        fixture.to_string(),
    )?;
    eprintln!(
        "{name}: test accuracy {:.4} (f32 {:.4}), baseline {baseline:.4}",
        report.test_accuracy, report.test_accuracy_f32
    );
    Ok(())
}

/// The data, tokenizer and card text of one classification dataset, prepared once for both
/// of its models.
struct Prepared {
    dataset: Dataset,
    data: Splits<Example>,
    tokenizer: String,
    preprocessing: String,
}

impl Prepared {
    /// Loads `dataset`, trains (or reuses) its tokenizer and words its preprocessing.
    fn new(o: &Options, dataset: Dataset) -> Result<Self, TrainError> {
        match dataset {
            Dataset::Sentiment => {
                const TASK: &str = "sentiment";
                let (data, counts) = sentiment::load(&o.data)?;
                let texts: Vec<String> = data.train.iter().map(|e| e.text.clone()).collect();
                let tokenizer =
                    tokenizer_json(o, TASK, &texts, CLASSIFIER_VOCAB, Role::Classifier, true)?;
                let pre = format!(
                "Unicode NFC, whitespace collapsed. RT: fresh → positive, rotten → negative, plot rows \
                 dropped ({} kept). VADER: positive if the mean rating ≥ 0.5, negative if ≤ −0.5 ({} kept, \
                 {} dropped as ambiguous). Sentences merged by a near-duplicate key (lower-cased letters \
                 and digits): {} copies merged, {} keys dropped whose copies disagreed; the split is by \
                 that key, so no test sentence or near-duplicate of one is in training.",
                counts.rotten_tomatoes, counts.vader, counts.vader_ambiguous, counts.duplicates, counts.conflicting
            );
                Ok(Self {
                    dataset,
                    data,
                    tokenizer,
                    preprocessing: pre,
                })
            }
            Dataset::Topic => {
                const TASK: &str = "topic";
                let articles = topic::load(&o.data)?;
                let data = Splits {
                    train: topic::examples(&articles.train),
                    dev: topic::examples(&articles.dev),
                    test: topic::examples(&articles.test),
                };
                let texts: Vec<String> = data.train.iter().map(|e| e.text.clone()).collect();
                let tok =
                    tokenizer_json(o, TASK, &texts, CLASSIFIER_VOCAB, Role::Classifier, true)?;
                let [a, b, c] = articles.sizes();
                let pre = format!(
                "Unicode NFC (Latin-1 files decoded), duplicate articles dropped. Split by article \
                 ({a} / {b} / {c} articles), then each article gives short passages: its sentences, \
                 title first, grouped in order into passages of at most {} words (a last passage \
                 under {} words joins the one before). Every passage carries its article's class.",
                topic::MAX_WORDS,
                topic::MIN_WORDS
            );
                Ok(Self {
                    dataset,
                    data,
                    tokenizer: tok,
                    preprocessing: pre,
                })
            }
            Dataset::Translation => unreachable!("the translator prepares its own data"),
        }
    }

    /// The task as `classifier` reads it.
    fn task(&self) -> Task<'_> {
        let sentiment = self.dataset == Dataset::Sentiment;
        Task {
            labels: if sentiment {
                &sentiment::LABELS
            } else {
                &topic::LABELS
            },
            data: &self.data,
            tokenizer: &self.tokenizer,
            sources: if sentiment {
                &SENTIMENT_SOURCES
            } else {
                &TOPIC_SOURCES
            },
            preprocessing: &self.preprocessing,
            unit: if sentiment { "sentences" } else { "passages" },
            bar: if sentiment { 0.85 } else { 0.95 },
        }
    }
}

/// Builds every shipped model `--only` names (all by default), in the table's order.
fn run(o: &Options) -> Result<(), TrainError> {
    // `--only` names models; a name selects the models it starts with.
    let wants = |name: &str| o.only.is_empty() || o.only.iter().any(|n| n.starts_with(name));
    let mut prepared: Vec<Prepared> = Vec::new();
    for model in SHIPPED.iter().filter(|m| wants(m.name)) {
        if model.dataset == Dataset::Translation {
            translate(o)?;
            continue;
        }
        if !prepared.iter().any(|p| p.dataset == model.dataset) {
            prepared.push(Prepared::new(o, model.dataset)?);
        }
        let prepared = prepared
            .iter()
            .find(|p| p.dataset == model.dataset)
            .expect("prepared");
        classifier(o, model, &prepared.task())?;
    }
    Ok(())
}

fn translate(o: &Options) -> Result<(), TrainError> {
    let name = "translate-en-es";
    let data = translation::load(&o.data)?;
    let en: Vec<String> = data.train.iter().map(|p| p.source.clone()).collect();
    let es: Vec<String> = data.train.iter().flat_map(|p| p.targets.clone()).collect();
    let source_json = tokenizer_json(o, "english", &en, TRANSLATION_VOCAB.0, Role::Source, true)?;
    let target_json = tokenizer_json(o, "spanish", &es, TRANSLATION_VOCAB.1, Role::Target, false)?;
    let out = o.out.join(name);
    let job = TranslatorJob {
        config: models::translator(TRANSLATION_VOCAB.0, TRANSLATION_VOCAB.1),
        source_json: &source_json,
        target_json: &target_json,
        data: &data,
        schedule: schedule(models::TRANSLATOR_SCHEDULE, o),
        work: o.work.join(name),
        out: out.clone(),
        resume: o.resume,
        stop_at: o.stop_at,
        dev_sample: 1000,
    };
    eprintln!("== {name}: {:?} English sentences", data.sizes());
    let report = train_translator(&job)?;
    let card = Card {
        name,
        summary: "English → Spanish: a BiLSTM encoder (hidden 128 per direction), an LSTM decoder \
                  (hidden 128) with additive (Bahdanau) attention and input feeding, Luong's \
                  attentional hidden state tanh(W_c[h; c]) tied to the Spanish embedding as the \
                  output layer, greedy decoding up to 32 tokens, never writing the token just \
                  written. Lower-cased WordPiece on both sides."
            .into(),
        sources: &TRANSLATION_SOURCES,
        preprocessing: "Unicode NFC, whitespace collapsed; pairs with more than 12 words on either \
                        side dropped; pairs grouped by English sentence (near-duplicate key) and \
                        split by it, so all translations of one English sentence are on one side. \
                        Training uses every (English, Spanish) pair; evaluation translates each \
                        English sentence once and scores against all its Spanish translations.",
        splits: (data.sizes(), "English sentences"),
        parameters: report.parameters,
        metrics: vec![
            ("test BLEU, all references (sacreBLEU 13a, lower-cased, f16)".into(), format!("{:.2}", report.test_bleu.all_references)),
            ("test BLEU, first reference only (f16)".into(), format!("{:.2}", report.test_bleu.first_reference)),
            ("test BLEU, cased references as written, first letter of each translation capitalised (sacreBLEU's default; f16)".into(), format!("{:.2}", report.test_bleu.cased)),
            ("test BLEU, all references (f32 weights)".into(), format!("{:.2}", report.test_bleu_f32)),
            ("dev BLEU, all references / first reference (f16)".into(), format!("{:.2} / {:.2}", report.dev_bleu.all_references, report.dev_bleu.first_reference)),
        ],
        confusion: None,
        target: Target {
            metric: "corpus BLEU on the test split (lower-cased, all references)",
            bar: 35.0,
            rule: String::new(),
            reached: report.test_bleu.all_references,
            decimals: 1,
            baseline: None,
            history: history(name),
        },
        epochs: report
            .dev_by_epoch
            .iter()
            .zip(&report.loss_by_epoch)
            .enumerate()
            .map(|(i, (dev, loss))| format!("epoch {}: mean training loss {loss:.4}, dev BLEU (1,000 sentences) {dev:.2}", i + 1))
            .collect(),
        schedule: serde_json::to_string(&job.schedule).expect("serialises"),
        time: format!("{} optimiser steps in {:.0} s on {}.", report.steps, report.seconds, machine()),
        framework: CANDLE_FRAMEWORK.into(),
        reproduce: CANDLE_REPRODUCE.into(),
        sections: String::new(),
    };
    write(&out.join("MODEL_CARD.md"), card.render())?;
    write(
        &o.fixtures.join(format!("{name}.json")),
        translator_fixture(&out, &data.test)?.to_string(),
    )?;
    eprintln!(
        "{name}: test BLEU {:.2} (first ref {:.2})",
        report.test_bleu.all_references, report.test_bleu.first_reference
    );
    Ok(())
}

/// Writes the three prepared datasets, split as the trainer splits them, into `dir`.
fn export_splits(o: &Options, dir: &std::path::Path) -> Result<(), TrainError> {
    let (sentiment, _) = sentiment::load(&o.data)?;
    let articles = topic::load(&o.data)?;
    let topic = Splits {
        train: topic::examples(&articles.train),
        dev: topic::examples(&articles.dev),
        test: topic::examples(&articles.test),
    };
    let translation = translation::load(&o.data)?;
    let json = |value: serde_json::Value| value.to_string();
    write(
        &dir.join("sentiment.json"),
        json(serde_json::json!({"labels": sentiment::LABELS, "splits": sentiment})),
    )?;
    write(
        &dir.join("topic.json"),
        json(serde_json::json!({"labels": topic::LABELS, "splits": topic})),
    )?;
    write(
        &dir.join("translation.json"),
        json(serde_json::json!({"splits": translation})),
    )?;
    eprintln!("wrote the splits to {}", dir.display());
    Ok(())
}

mod distilled;

fn main() -> ExitCode {
    let options = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("attnscope-train: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match (&options.export_splits, &options.distilled) {
        (Some(dir), _) => export_splits(&options, dir),
        (None, Some(dir)) => distilled::install(&options, dir),
        (None, None) => run(&options),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e @ TrainError::Stopped { .. }) => {
            eprintln!("attnscope-train: {e}");
            ExitCode::from(3)
        }
        Err(e) => {
            eprintln!("attnscope-train: {e}");
            ExitCode::FAILURE
        }
    }
}

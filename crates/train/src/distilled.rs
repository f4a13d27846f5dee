//! Installs the distilled classifiers (`tools/distil/student.py`'s output) as shipped folders:
//! the folder, its fidelity fixture, and a card whose every figure attnscope-core measures
//! again on the installed f16 folder, with the teacher's figures and, for sentiment, the demo
//! checklist.

use super::{Options, Prepared};
use attnscope_core::Model;
use attnscope_train::baseline::naive_bayes_accuracy;
use attnscope_train::card::{history, Card, Target};
use attnscope_train::checklist;
use attnscope_train::models::{Architecture, Dataset, SHIPPED};
use attnscope_train::run::{core_accuracy, write, TrainError};
use serde_json::Value;
use std::path::Path;

/// What the student and teacher steps recorded (their JSON reports).
struct Reports {
    student: Value,
    teacher: Value,
}

fn read_json(path: &Path) -> Result<Value, TrainError> {
    let text = std::fs::read_to_string(path).map_err(|source| TrainError::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| TrainError::Io {
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })
}

fn copy(from: &Path, to: &Path) -> Result<(), TrainError> {
    let bytes = std::fs::read(from).map_err(|source| TrainError::Io {
        path: from.to_owned(),
        source,
    })?;
    write(to, bytes)
}

/// Installs every classifier found in `students` into `o.out`, with its fixture and card.
pub fn install(o: &Options, students: &Path) -> Result<(), TrainError> {
    let teacher_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("teacher");
    for dataset in [Dataset::Sentiment, Dataset::Topic] {
        let models: Vec<_> = SHIPPED
            .iter()
            .filter(|m| m.dataset == dataset && students.join(m.name).is_dir())
            .collect();
        if models.is_empty() {
            continue;
        }
        let prepared = Prepared::new(o, dataset)?;
        let task = if dataset == Dataset::Sentiment {
            "sentiment"
        } else {
            "topic"
        };
        for model in models {
            let reports = Reports {
                student: read_json(&students.join(format!("{}-student.json", model.name)))?,
                teacher: read_json(&teacher_dir.join(format!("{task}-teacher.json")))?,
            };
            let out = o.out.join(model.name);
            for file in ["config.json", "model.safetensors", "tokenizer.json"] {
                copy(&students.join(model.name).join(file), &out.join(file))?;
            }
            copy(
                &students.join(format!("{}.json", model.name)),
                &o.fixtures.join(format!("{}.json", model.name)),
            )?;
            let card = card(model.name, model.architecture, &prepared, &reports, &out)?;
            write(&out.join("MODEL_CARD.md"), card)?;
            eprintln!("installed {}", model.name);
        }
    }
    Ok(())
}

fn number(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(f64::NAN)
}

/// The card of one installed student.
fn card(
    name: &str,
    architecture: Architecture,
    prepared: &Prepared,
    reports: &Reports,
    out: &Path,
) -> Result<String, TrainError> {
    let task = prepared.task();
    let classes = task.labels.len();
    let (test, confusion) = core_accuracy(out, &task.data.test, classes)?;
    let (dev, _) = core_accuracy(out, &task.data.dev, classes)?;
    let baseline = naive_bayes_accuracy(&task.data.train, &task.data.test, classes);
    let config = read_json(&out.join("config.json"))?;
    let student = &reports.student;
    let teacher = &reports.teacher["chosen"];
    let (teacher_dev, teacher_test) = (number(teacher, "dev"), number(teacher, "test"));
    let sentiment = task.labels.len() == 2;
    let (bar, rule) = student_bar(
        if sentiment { 0.85 } else { 0.95 },
        teacher_dev,
        teacher_test,
    );
    let summary = summary(architecture, &config);
    let sections = sections(name, architecture, reports, (dev, test), task.labels, out)?;
    let runs = dev_by_epoch(student);
    let seeds = student["runs"].as_array().map_or(1, Vec::len);
    let steps = optimiser_steps(student);
    Ok(Card {
        name,
        summary: format!("{summary} Labels: {}.", task.labels.join(", ")),
        sources: task.sources,
        preprocessing: task.preprocessing,
        splits: (task.data.sizes(), task.unit),
        parameters: number(student, "parameters") as usize,
        metrics: vec![
            (
                "test accuracy (shipped f16 weights)".into(),
                format!("{test:.4}"),
            ),
            (
                "dev accuracy (shipped f16 weights)".into(),
                format!("{dev:.4}"),
            ),
            (
                "teacher (all-MiniLM-L6-v2 fine-tuned), dev / test".into(),
                format!("{teacher_dev:.4} / {teacher_test:.4}"),
            ),
            (
                "baseline: bag-of-words Naive Bayes, same split, test".into(),
                format!("{baseline:.4}"),
            ),
        ],
        confusion: Some((
            task.labels.iter().map(|l| l.to_string()).collect(),
            confusion,
        )),
        target: Target {
            metric: "test accuracy",
            bar,
            rule,
            reached: test,
            decimals: 3,
            baseline: Some(("A bag-of-words Naive Bayes", baseline)),
            history: history(name),
        },
        epochs: runs,
        schedule: student["settings"].to_string(),
        time: format!(
            "{steps:.0} optimiser steps in {:.0} s on an {} ({seeds} seed{}, the best dev \
             accuracy kept: seed {}, epoch {}).",
            number(student, "seconds"),
            student["device"].as_str().unwrap_or("unknown device"),
            if seeds == 1 { "" } else { "s" },
            student["seed"],
            student["epoch"]
        ),
        framework: format!(
            "PyTorch {} (`tools/distil/student.py`), weights exported under attnscope-core's \
             names; core equals the trainer on the committed fidelity fixture",
            student["torch"].as_str().unwrap_or("?")
        ),
        reproduce: "`bash scripts/retrain.sh` (the students, from the committed teacher outputs \
                    in `crates/train/teacher/`, on any CPU; slow there) after `bash \
                    scripts/teacher.sh` on a GPU machine (the teacher step)."
            .into(),
        sections,
    }
    .render())
}

/// Issue 16's bar for a student: the task's `absolute` figure, or, where the teacher's own dev
/// accuracy is short of `absolute` + 2 points, the teacher's test accuracy less 2 points if
/// that is lower (either one met is the target met). Returns the bar and, for the second
/// case, the sentence the card states it with.
fn student_bar(absolute: f64, teacher_dev: f64, teacher_test: f64) -> (f64, String) {
    let relative = teacher_test - 0.02;
    if teacher_dev >= absolute + 0.02 || relative >= absolute {
        return (absolute, String::new());
    }
    let rule = format!(
        "(The task's bar is {absolute:.2}, or within 2 points of the teacher on test where the \
         teacher's own dev accuracy is short of {:.2}: it is {teacher_dev:.3}, so the bar is \
         the teacher's test accuracy {teacher_test:.3} less 2 points.)",
        absolute + 0.02
    );
    (relative, rule)
}

/// The card's opening sentence: the architecture as its config gives it.
fn summary(architecture: Architecture, config: &Value) -> String {
    match architecture {
        Architecture::Transformer => format!(
            "A Transformer encoder classifier ({} post-norm layers, d = {}, {} heads, d_ff = {}, GELU, \
             sinusoidal positional encoding, [CLS] pooling), distilled from a fine-tuned \
             all-MiniLM-L6-v2 teacher.",
            config["n_layers"], config["d_model"], config["n_heads"], config["d_ff"]
        ),
        _ => format!(
            "A BiLSTM classifier (embeddings {}, {} bidirectional layer(s) of hidden {}, additive \
             attention pooling of width {}), distilled from a fine-tuned all-MiniLM-L6-v2 teacher, \
             its attention pooling guided by the teacher's word saliency.",
            config["embedding_dim"], config["num_layers"], config["hidden_size"], config["attention_dim"]
        ),
    }
}

/// The sections between the target and the training: teacher, trimming, and for sentiment the
/// attention images and the demo checklist.
fn sections(
    name: &str,
    architecture: Architecture,
    reports: &Reports,
    (dev, test): (f64, f64),
    labels: &[&str],
    out: &Path,
) -> Result<String, TrainError> {
    let student = &reports.student;
    let mut sections = teacher_section(reports, dev, test);
    if let Some(kept) = student["trimmed_vocabulary"].as_u64() {
        sections.push_str(&format!(
            "The vocabulary was trimmed after training to its {kept} most used tokens, so that the \
             five shipped folders fit their 15 MB budget (`tools/distil/trim.py`): before \
             trimming, test {:.4} and dev {:.4} (PyTorch, f16 weights).\n\n",
            number(student, "test_f16"),
            number(student, "dev_f16")
        ));
    }
    if labels.len() == 2 {
        let tsv = include_str!("../checklists/sentiment.tsv");
        let items = checklist::parse(tsv, labels).map_err(|e| TrainError::Io {
            path: "checklists/sentiment.tsv".into(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        })?;
        let model = Model::from_dir(out)?;
        let report = checklist::evaluate(&model, &items).map_err(|e| TrainError::Io {
            path: out.to_owned(),
            source: std::io::Error::other(e),
        })?;
        sections.push_str(&attention_images(name, architecture));
        sections.push_str(&format!(
            "## Demo checklist\n\n`crates/train/checklists/sentiment.tsv`: hand-written sentences \
             in the style of CheckList (negation, contrast, intensifiers, idioms, neutral topic \
             words), evaluation only (never trained on, never used to choose). Target ≥ 0.90.\n\n{}\n",
            report.markdown()
        ));
    }
    Ok(sections)
}

/// The optimiser steps a student report's runs took, every seed's: its distillation epochs over
/// the transfer texts (the negation copies `negated_repeats` times), and its masked-LM
/// pretraining epochs (when asked for) over the transfer texts and the unlabelled ones added to
/// them (older reports have neither field: once each, and the transfer texts alone).
fn optimiser_steps(student: &Value) -> f64 {
    let transfer = number(student, "transfer_texts");
    let settings = &student["settings"];
    let batch = number(settings, "batch").max(1.0);
    let repeats = settings["negated_repeats"].as_f64().unwrap_or(1.0);
    let visited = transfer + student["negation_copies"].as_f64().unwrap_or(0.0) * (repeats - 1.0);
    let pretraining = settings["pretrain_epochs"].as_f64().unwrap_or(0.0);
    let pretraining_texts = student["pretraining_texts"].as_f64().unwrap_or(transfer);
    let seeds = student["runs"].as_array().map_or(1, Vec::len);
    ((visited / batch).ceil() * number(settings, "epochs")
        + (pretraining_texts / batch).ceil() * pretraining)
        * seeds as f64
}

/// One line per seed: its dev accuracy after each epoch (and the masked-LM loss of the
/// pretraining before them, where there was one).
fn dev_by_epoch(student: &Value) -> Vec<String> {
    student["runs"]
        .as_array()
        .map(|runs| {
            runs.iter()
                .map(|r| {
                    let epochs: Vec<String> = r["history"]
                        .as_array()
                        .map(|h| {
                            h.iter()
                                .map(|e| format!("{:.4}", number(e, "dev")))
                                .collect()
                        })
                        .unwrap_or_default();
                    let pretraining: Vec<String> = r["pretraining"]
                        .as_array()
                        .map(|h| {
                            h.iter()
                                .map(|e| format!("{:.2}", number(e, "mlm_loss")))
                                .collect()
                        })
                        .unwrap_or_default();
                    let after = if pretraining.is_empty() {
                        String::new()
                    } else {
                        format!(
                            ", after {} epochs of masked-LM pretraining (loss by epoch {})",
                            pretraining.len(),
                            pretraining.join(", ")
                        )
                    };
                    format!(
                        "seed {}: dev accuracy by epoch {}{after}",
                        r["seed"],
                        epochs.join(", ")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The three checklist sentences the card shows (`scripts/card-images.sh` renders them).
const IMAGE_SENTENCES: [&str; 3] = [
    "it was not bad at all",
    "a great cast wasted on a weak script",
    "utterly delightful",
];

/// Links to the rendered attention images: the BiLSTM's pooling, the Transformer's rollout.
fn attention_images(name: &str, architecture: Architecture) -> String {
    let view = match architecture {
        Architecture::Transformer => "rollout",
        _ => "pooling",
    };
    let mut s = format!(
        "## Attention on three checklist sentences\n\nThe {} as the page draws it \
         (`bash scripts/card-images.sh` renders them with attnscope-cli).\n\n",
        if view == "rollout" {
            "attention rollout (all layers, residual included)"
        } else {
            "attention pooling weight per token"
        }
    );
    for (i, text) in IMAGE_SENTENCES.iter().enumerate() {
        s.push_str(&format!(
            "![{view} of “{text}”](../../../docs/images/cards/{name}-{view}-{}.png)\n\n",
            i + 1
        ));
    }
    s
}

/// The teacher and the distillation, as recorded by the two steps.
fn teacher_section(reports: &Reports, dev: f64, test: f64) -> String {
    let teacher = &reports.teacher;
    let chosen = &teacher["chosen"];
    let (t_dev, t_test) = (number(chosen, "dev"), number(chosen, "test"));
    format!(
        "## Teacher and distillation\n\n\
         Teacher: {} (`tools/distil/teacher.py`), fine-tuned on the training split: {} epochs, \
         batch {}, learning rates tried {:?}, the best dev accuracy kept (lr {}, epoch {}). \
         Dev {t_dev:.4}, test {t_test:.4}. It ran on an {} (PyTorch {}) in {:.0} s of \
         fine-tuning and {:.0} s of labelling.\n\n\
         Transfer set ({} texts): the training texts, {} augmented copies of each after Tang et \
         al. 2019 (settings `{}`: masking, replacement by a neighbour word in the teacher's \
         embedding space, n-gram windows) and unlabelled text from the shipped corpora; the \
         teacher's logits and word saliency (gradient × input) for each are committed in \
         `crates/train/teacher/`, keyed by a hash of the text (no corpus text is committed).\n\n\
         {}Student vs teacher: test {:+.4}, dev {:+.4}.\n\n",
        teacher["teacher"].as_str().unwrap_or("?"),
        teacher["epochs"],
        teacher["batch"],
        teacher["runs"]
            .as_array()
            .map(|r| r.iter().map(|x| number(x, "lr")).collect::<Vec<_>>())
            .unwrap_or_default(),
        chosen["lr"],
        chosen["epoch"],
        teacher["device"].as_str().unwrap_or("?"),
        teacher["torch"].as_str().unwrap_or("?"),
        number(teacher, "seconds_fine_tuning"),
        number(teacher, "seconds_labelling"),
        teacher["transfer_texts"],
        teacher["augment"]["copies"],
        teacher["augment"],
        supplement_paragraph(&teacher["supplement"]),
        test - t_test,
        dev - t_dev,
    )
}

/// The texts a second teacher labelled after the transfer set grew (`teacher.py
/// --supplement`), or nothing.
fn supplement_paragraph(supplement: &Value) -> String {
    if supplement.is_null() {
        return String::new();
    }
    let chosen = &supplement["chosen"];
    format!(
        "Negation copies ({} texts, added later: each training text twice with one auxiliary's \
         negation toggled — \"was\" ↔ \"was not\" / \"wasn't\", \"never\" → \"always\" — once \
         whole and once cut to a short window around the toggle; `toggle_negation` in \
         `tools/distil/common.py`) were labelled by a second fine-tune of the same recipe on \
         {} with PyTorch {}, lr {}, epoch {} kept by dev (dev by epoch {:?}): dev {:.4}, test {:.4}, \
         checklist {:.3} (evaluation only); {:.0} s of fine-tuning and {:.0} s of labelling. \
         It agrees with the first teacher on {:.1} % of {} texts both labelled.\n\n",
        supplement["texts"],
        supplement["device"].as_str().unwrap_or("?"),
        supplement["torch"].as_str().unwrap_or("?"),
        chosen["lr"],
        chosen["epoch"],
        chosen["dev_by_epoch"]
            .as_array()
            .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(0.0)).collect::<Vec<_>>())
            .unwrap_or_default(),
        number(chosen, "dev"),
        number(chosen, "test"),
        number(chosen, "checklist"),
        number(supplement, "seconds_fine_tuning"),
        number(supplement, "seconds_labelling"),
        number(supplement, "agreement_with_first") * 100.0,
        supplement["agreement_sample"],
    )
}

#[cfg(test)]
mod tests {
    use super::{optimiser_steps, student_bar};
    use serde_json::json;

    #[test]
    fn the_steps_count_the_pretraining_over_its_own_texts_and_every_seed() {
        let settings = json!({"batch": 100, "epochs": 3, "pretrain_epochs": 0});
        let plain = json!({"transfer_texts": 1000, "settings": settings, "runs": [{}, {}]});
        assert_eq!(optimiser_steps(&plain), 2.0 * 30.0);
        // An older report: pretraining over the transfer texts alone.
        let settings = json!({"batch": 100, "epochs": 3, "pretrain_epochs": 2});
        let older = json!({"transfer_texts": 1050, "settings": settings, "runs": [{}]});
        assert_eq!(optimiser_steps(&older), 11.0 * 3.0 + 11.0 * 2.0);
        let settings = json!({"batch": 100, "epochs": 3, "pretrain_epochs": 2});
        let more = json!({"transfer_texts": 1000, "pretraining_texts": 1500, "settings": settings,
                          "runs": [{}]});
        assert_eq!(optimiser_steps(&more), 30.0 + 30.0);
        // The negation copies visited three times an epoch.
        let settings = json!({"batch": 100, "epochs": 3, "negated_repeats": 3});
        let negated = json!({"transfer_texts": 1000, "negation_copies": 100, "settings": settings,
                             "runs": [{}]});
        assert_eq!(optimiser_steps(&negated), 12.0 * 3.0);
    }

    #[test]
    fn a_strong_teacher_keeps_the_absolute_bar_and_a_weak_one_sets_a_relative_bar() {
        // Sentiment's teacher: dev 0.8697 (short of 0.87), test 0.8708: the relative bar
        // 0.8508 is above 0.85, so the absolute bar stands.
        assert_eq!(student_bar(0.85, 0.8697, 0.8708), (0.85, String::new()));
        assert_eq!(student_bar(0.95, 0.98, 0.96).0, 0.95);
        // Topic's teacher: dev 0.9375, test 0.9271: the bar is 0.9071, and the card says why.
        let (bar, rule) = student_bar(0.95, 0.9375, 0.9271);
        assert!((bar - 0.9071).abs() < 1e-9, "{bar}");
        assert!(
            rule.contains("0.938") && rule.contains("0.927") && rule.contains("0.97"),
            "{rule}"
        );
    }
}

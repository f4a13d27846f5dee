//! The CLI on a real model folder (the golden Transformer's weights and config, a small
//! tokenizer), and its refusals.

use std::path::PathBuf;
use std::process::Command;

fn folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("attnscope-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/tests/fixtures/transformer_post_gelu_cls.safetensors"
    ))
    .unwrap();
    let (_, meta) = safetensors::SafeTensors::read_metadata(&fixture).unwrap();
    std::fs::write(
        dir.join("config.json"),
        &meta.metadata().as_ref().unwrap()["config"],
    )
    .unwrap();
    std::fs::write(dir.join("model.safetensors"), &fixture).unwrap();
    let words = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "i", "love", "python", "not", "bad",
    ];
    let vocab: String = words
        .iter()
        .enumerate()
        .map(|(i, w)| format!("\"{w}\":{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let tokenizer = format!(
        r###"{{"version":"1.0","added_tokens":[],"normalizer":{{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true}},
        "pre_tokenizer":{{"type":"BertPreTokenizer"}},"post_processor":{{"type":"BertProcessing","sep":["[SEP]",3],"cls":["[CLS]",2]}},
        "model":{{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,"vocab":{{{vocab}}}}}}}"###
    );
    std::fs::write(dir.join("tokenizer.json"), tokenizer).unwrap();
    dir
}

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_attnscope-cli"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn prints_the_trace_as_json() {
    let dir = folder();
    let out = cli(&[
        "--model",
        dir.to_str().unwrap(),
        "--text",
        "I love Python",
        "--mask",
        "2",
        "--heads-off",
        "0:1",
        "--inspect",
        "1:0",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trace: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tokens: Vec<&str> = trace["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert_eq!(tokens, ["[CLS]", "i", "love", "python", "[SEP]"]);
    let probabilities: Vec<f64> = trace["output"]["probabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_f64().unwrap())
        .collect();
    assert_eq!(probabilities.len(), 3);
    assert!((probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-5);
    assert_eq!(trace["attention"]["kind"], "self_attention");
    assert_eq!(trace["detail"]["layer"], 1);
    assert!(trace["elapsed_ms"].as_f64().unwrap() >= 0.0);
    // The masked token gets zero attention in every map.
    let weights = trace["attention"]["weights"].as_array().unwrap();
    for q in 0..5 {
        assert_eq!(weights[q * 5 + 2].as_f64().unwrap(), 0.0);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn refuses_bad_arguments_and_folders_with_a_message() {
    let out = cli(&["--text", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--model DIR is required"));
    let out = cli(&["--model", "/nonexistent", "--text", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("config.json"));
    let out = cli(&["--model", "/tmp", "--text", "x", "--heads-off", "zero"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("LAYER:HEAD"));
}

#[test]
fn a_reader_that_goes_away_is_not_a_panic() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_attnscope-cli"))
        .args(["--model", folder().to_str().unwrap(), "--lines"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `| head` exiting before the CLI writes
    let mut stdin = child.stdin.take().unwrap();
    for _ in 0..2000 {
        if stdin.write_all(b"i love python\n").is_err() {
            break;
        }
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.status.success(), "{:?} {stderr}", output.status);
}

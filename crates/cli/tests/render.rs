//! `attnscope-cli render` on the shipped models: every view as a valid SVG and a PNG whose
//! pixels show something, and readable refusals.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/models")
}

fn out_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("attnscope-render-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn render(model: &str, view: &str, extra: &[&str], output: &Path) -> Output {
    render_text(model, "the red car is not bad at all", view, extra, output)
}

fn render_text(model: &str, text: &str, view: &str, extra: &[&str], output: &Path) -> Output {
    let folder = models().join(model);
    let mut args = vec![
        "render".to_owned(),
        "--model".into(),
        folder.display().to_string(),
        "--text".into(),
        text.into(),
        "--view".into(),
        view.into(),
        "-o".into(),
        output.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    Command::new(env!("CARGO_BIN_EXE_attnscope-cli"))
        .args(&args)
        .output()
        .unwrap()
}

/// (model, view) for every view.
const CASES: [(&str, &str); 7] = [
    ("sentiment-transformer", "heatmap"),
    ("sentiment-transformer", "head"),
    ("topic-transformer", "model"),
    ("sentiment-transformer", "rollout"),
    ("sentiment-bilstm", "pooling"),
    ("translate-en-es", "alignment"),
    ("sentiment-transformer", "pe"),
];

#[test]
fn every_view_renders_as_svg_and_png() {
    let dir = out_dir();
    for (model, view) in CASES {
        let svg_path = dir.join(format!("{view}.svg"));
        let out = render(model, view, &["--layer", "1", "--head", "2"], &svg_path);
        assert!(
            out.status.success(),
            "{view}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let svg = std::fs::read_to_string(&svg_path).unwrap();
        let doc =
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{view}: invalid SVG: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg", "{view}");
        let count = |tag: &str| doc.descendants().filter(|n| n.has_tag_name(tag)).count();
        match view {
            // One rectangle per cell at least (10 tokens with [CLS] and [SEP]).
            "heatmap" | "rollout" => {
                assert!(count("rect") >= 100, "{view}: {} rects", count("rect"))
            }
            "model" => assert!(count("rect") >= 8 * 100, "{view}: {} rects", count("rect")),
            "pe" => assert!(count("rect") >= 64 * 128, "{view}: {} rects", count("rect")),
            "head" => assert!(
                count("polyline") + count("path") + count("line") > 10,
                "{view}: no lines"
            ),
            _ => {}
        }
        assert!(count("text") >= 5, "{view}: {} texts", count("text"));

        let png_path = dir.join(format!("{view}.png"));
        let out = render(model, view, &["--dark"], &png_path);
        assert!(
            out.status.success(),
            "{view}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let decoder = png::Decoder::new(std::fs::File::open(&png_path).unwrap());
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert!(
            info.width >= 400 && info.height >= 200,
            "{view}: {}×{}",
            info.width,
            info.height
        );
        let channels = info.color_type.samples();
        let colours: HashSet<&[u8]> = pixels[..info.buffer_size()].chunks(channels).collect();
        assert!(colours.len() > 20, "{view}: only {} colours", colours.len());
    }
}

#[test]
fn refusals_name_the_problem() {
    let dir = out_dir();
    let cases = [
        ("sentiment-bilstm", "heatmap", vec![], "needs a Transformer"),
        ("sentiment-transformer", "pooling", vec![], "needs a BiLSTM"),
        (
            "sentiment-transformer",
            "alignment",
            vec![],
            "needs the translator",
        ),
        (
            "sentiment-transformer",
            "sankey",
            vec![],
            "no view “sankey”",
        ),
        (
            "sentiment-transformer",
            "heatmap",
            vec!["--layer", "9"],
            "no layer 9 head 0",
        ),
        (
            "sentiment-transformer",
            "heatmap",
            vec!["--format", "gif"],
            "no format “gif”",
        ),
    ];
    for (model, view, extra, expected) in cases {
        let out = render(model, view, &extra, &dir.join("refused.svg"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{view}: {stderr}");
        assert!(stderr.contains(expected), "{view}: {stderr}");
    }
}

/// The JSON `render --format json` wrote to `path`, once it has succeeded.
fn written_json(out: Output, path: &Path) -> serde_json::Value {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn json_prints_the_figure_the_views_draw() {
    let dir = out_dir();
    let path = dir.join("heatmap.json");
    let extra = ["--layer", "1", "--head", "2", "--format", "json"];
    let json = written_json(
        render("sentiment-transformer", "heatmap", &extra, &path),
        &path,
    );
    assert_eq!(json["view"], "heatmap");
    assert_eq!(json["figure"]["xLabel"], "key (attended to)");
    let rows = json["figure"]["rowLabels"].as_array().unwrap();
    assert_eq!(rows.first().unwrap(), "[CLS]");
    let map = &json["maps"][0];
    assert_eq!(map["name"], "layer 2 head 3");
    let t = rows.len() as u64;
    assert_eq!(
        (map["rows"].as_u64(), map["cols"].as_u64()),
        (Some(t), Some(t))
    );
    // Every row of an attention map is a distribution over the keys.
    for row in map["values"].as_array().unwrap().chunks(t as usize) {
        let sum: f64 = row.iter().map(|v| v.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-4, "row sums to {sum}");
    }

    // A text the model cannot read carries the notice and the count.
    let path = dir.join("unknown.json");
    let chinese = "这部电影太好看了";
    let out = render_text(
        "sentiment-transformer",
        chinese,
        "heatmap",
        &["--format", "json"],
        &path,
    );
    let json = written_json(out, &path);
    let notice = json["notice"].as_str().unwrap_or_default();
    assert!(notice.contains("unknown to the model"), "{json}");
    assert!(
        json["unknownWords"]["unknown"].as_u64().unwrap() > 0,
        "{json}"
    );
}

//! `attnscope-cli render`: one view of a model's forward as an SVG or PNG figure, drawn by the
//! same plot functions as the app (`attnscope-plot`), for documents that cannot run scripts.
//! What the figure shows is `attnscope_plot::figure::Figure`, the model every surface builds
//! from; `--format json` prints its words and matrices instead of drawing them.
//!
//! ```text
//! attnscope-cli render --model DIR --text TEXT --view heatmap|head|model|rollout|pooling|alignment|pe
//!                      [--layer L --head H] [--mask 2,5] [--heads-off 0:1] [--dark]
//!                      [--font FILE.ttf] --format svg|png|json -o FILE
//! ```

use attnscope_core::{Interventions, Model, Trace};
use attnscope_plot::figure::{Figure, Selection, ViewKind};
use attnscope_plot::PlotStyle;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// What `render` was asked for.
#[derive(Debug)]
pub struct RenderArgs {
    /// The model folder.
    pub model: PathBuf,
    /// The text.
    pub text: String,
    /// The view.
    pub view: ViewKind,
    /// Layer and head of the `heatmap` (layer alone for `head`).
    pub at: (usize, usize),
    /// Masks and heads off.
    pub interventions: Interventions,
    /// `svg`, `png` or `json`.
    pub format: String,
    /// Where the figure goes.
    pub output: PathBuf,
    /// The dark theme's colours.
    pub dark: bool,
    /// A TrueType font for the text (else one found on the system).
    pub font: Option<PathBuf>,
}

/// A TrueType font for the figures' text: `--font`, else a common system font.
fn load_font(chosen: Option<&Path>) -> Result<&'static [u8], String> {
    const CANDIDATES: [&str; 4] = [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/Library/Fonts/Arial Unicode.ttf",
    ];
    let paths: Vec<PathBuf> = match chosen {
        Some(path) => vec![path.to_owned()],
        None => CANDIDATES.iter().map(PathBuf::from).collect(),
    };
    for path in &paths {
        if let Ok(bytes) = std::fs::read(path) {
            return Ok(Box::leak(bytes.into_boxed_slice()));
        }
    }
    Err(format!(
        "no font for the figure's text: tried {}; install fonts-dejavu-core or pass --font FILE.ttf",
        paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    ))
}

/// The figure's words and matrices as JSON, in the shape of the element's `attnscope-result`
/// detail (`figure`, `maps`, `notice`), so a script can compare the two.
fn figure_json(figure: &Figure, trace: Option<&Trace>) -> String {
    let json = serde_json::json!({
        "view": figure.view.name(),
        "figure": figure.frame(),
        "maps": figure.maps(),
        "notice": trace.and_then(|t| t.message.clone()),
        "unknownWords": trace.and_then(|t| t.unknown_words),
    });
    json.to_string()
}

/// Runs the model and writes the figure.
pub fn render(args: &RenderArgs) -> Result<(), String> {
    let trace = match args.view {
        ViewKind::Pe => None,
        _ => {
            let model = Model::from_dir(&args.model)
                .map_err(|e| format!("{}: {e}", args.model.display()))?;
            let trace = model
                .run(&args.text, &args.interventions)
                .map_err(|e| e.to_string())?;
            Some(trace)
        }
    };
    let selection = Selection {
        layer: args.at.0,
        head: args.at.1,
        heads_off: args.interventions.heads_off.clone(),
    };
    let empty = Trace::empty("none");
    let figure = Figure::build(trace.as_ref().unwrap_or(&empty), args.view, &selection)
        .map_err(|e| e.to_string())?;
    let write = |bytes: &[u8]| {
        std::fs::write(&args.output, bytes).map_err(|e| format!("{}: {e}", args.output.display()))
    };
    if args.format == "json" {
        return write(figure_json(&figure, trace.as_ref()).as_bytes());
    }
    let font = load_font(args.font.as_deref())?;
    plotters::style::register_font("sans-serif", FontStyle::Normal, font)
        .map_err(|_| "the font file is not a TrueType font plotters can read".to_owned())?;
    let (w, h) = figure.css_size();
    match args.format.as_str() {
        "svg" => {
            let style = PlotStyle::for_theme(args.dark, 1.0);
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
                figure.draw(&root, &style)?;
                root.present().map_err(|e| e.to_string())?;
            }
            write(svg.as_bytes())
        }
        "png" => {
            // Twice the CSS size, as on a HiDPI screen.
            let style = PlotStyle::for_theme(args.dark, 2.0);
            let root = BitMapBackend::new(&args.output, (w * 2, h * 2)).into_drawing_area();
            figure.draw(&root, &style)?;
            root.present()
                .map_err(|e| format!("{}: {e}", args.output.display()))
        }
        other => Err(format!(
            "there is no format “{other}”; formats: svg, png, json"
        )),
    }
}

//! `attnscope-cli render`: one view of a model's forward as an SVG or PNG figure, drawn by the
//! same plot functions as the app (`attnscope-plot`), for documents that cannot run scripts.
//!
//! ```text
//! attnscope-cli render --model DIR --text TEXT --view heatmap|head|model|rollout|pooling|alignment|pe
//!                      [--layer L --head H] [--mask 2,5] [--heads-off 0:1] [--dark]
//!                      [--font FILE.ttf] --format svg|png -o FILE
//! ```

use attnscope_core::positional_encoding::{positional_encoding, PeParams};
use attnscope_core::rollout::rollout;
use attnscope_core::trace::{Attention, Output, SelfAttention, Trace};
use attnscope_core::{Interventions, Matrix, Model};
use attnscope_plot::cells::draw_cells;
use attnscope_plot::grid::draw_head_grid;
use attnscope_plot::head_lines::{draw_head_lines, view_height};
use attnscope_plot::heatmap::{draw_heatmap_frame, AxisLabels, HeatmapSpec};
use attnscope_plot::pooling::{draw_pooling, figure_height};
use attnscope_plot::{PlotResult, PlotStyle};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// The views a figure can show (the embed's names).
pub const VIEWS: [&str; 7] = [
    "heatmap",
    "head",
    "model",
    "rollout",
    "pooling",
    "alignment",
    "pe",
];

/// Positions and dimensions of the positional-encoding figure (as the embed shows it).
const PE_SIZE: (usize, usize) = (64, 128);

/// What `render` was asked for.
#[derive(Debug)]
pub struct RenderArgs {
    /// The model folder.
    pub model: PathBuf,
    /// The text.
    pub text: String,
    /// One of [`VIEWS`].
    pub view: String,
    /// Layer and head of the `heatmap` (layer alone for `head`).
    pub at: (usize, usize),
    /// Masks and heads off.
    pub interventions: Interventions,
    /// `svg` or `png`.
    pub format: String,
    /// Where the figure goes.
    pub output: PathBuf,
    /// The dark theme's colours.
    pub dark: bool,
    /// A TrueType font for the text (else one found on the system).
    pub font: Option<PathBuf>,
}

/// A figure to draw: its size in CSS pixels and what goes in it.
enum Figure {
    Heatmap {
        matrix: Matrix,
        labels: Option<AxisLabels>,
        x: &'static str,
        y: &'static str,
        range: (f32, f32),
    },
    Lines {
        attention: SelfAttention,
        layer: usize,
        tokens: Vec<String>,
    },
    Grid {
        attention: SelfAttention,
        heads_off: Vec<(usize, usize)>,
    },
    Pooling {
        tokens: Vec<String>,
        weights: Vec<f32>,
    },
}

impl Figure {
    /// Width and height in CSS pixels (the app's sizes).
    fn size(&self) -> (u32, u32) {
        match self {
            Figure::Heatmap { matrix, .. } => (
                760,
                (220.0 + matrix.rows() as f64 * 6.0).clamp(320.0, 640.0) as u32,
            ),
            Figure::Lines { attention, .. } => (560, view_height(attention.len) as u32),
            Figure::Grid { attention, .. } => {
                (170 * attention.heads as u32, 180 * attention.layers as u32)
            }
            Figure::Pooling { tokens, .. } => (640, figure_height(tokens.len()) as u32),
        }
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        style: &PlotStyle,
    ) -> PlotResult<()> {
        match self {
            Figure::Heatmap {
                matrix,
                labels,
                x,
                y,
                range,
            } => {
                let spec = HeatmapSpec {
                    matrix,
                    range: *range,
                    x_label: x,
                    y_label: y,
                    labels: labels.as_ref(),
                };
                let rect = draw_heatmap_frame(root, &spec, style)?;
                draw_cells(root, matrix, *range, rect)
            }
            Figure::Lines {
                attention,
                layer,
                tokens,
            } => draw_head_lines(root, attention, *layer, tokens, style),
            Figure::Grid {
                attention,
                heads_off,
            } => draw_head_grid(root, attention, heads_off, style),
            Figure::Pooling { tokens, weights } => draw_pooling(root, tokens, weights, style),
        }
    }
}

fn token_labels(tokens: &[String]) -> AxisLabels {
    AxisLabels {
        rows: tokens.to_vec(),
        cols: tokens.to_vec(),
    }
}

/// The figure of `view` for a forward's trace.
fn figure(view: &str, trace: &Trace, args: &RenderArgs) -> Result<Figure, String> {
    let tokens: Vec<String> = trace.tokens.iter().map(|t| t.text.clone()).collect();
    let maps = match &trace.attention {
        Attention::SelfAttention(maps) => Some(maps.as_ref()),
        _ => None,
    };
    let need_maps = || {
        maps.ok_or_else(|| {
            format!(
                "the {view} view needs a Transformer; this model is a {}",
                trace.architecture
            )
        })
    };
    let (layer, head) = args.at;
    let in_range = |maps: &SelfAttention| {
        if layer >= maps.layers || head >= maps.heads {
            Err(format!("there is no layer {layer} head {head}: the model has {} layers and {} heads (from 0)", maps.layers, maps.heads))
        } else {
            Ok(())
        }
    };
    Ok(match view {
        "heatmap" => {
            let maps = need_maps()?;
            in_range(maps)?;
            let matrix = Matrix::from_vec(maps.len, maps.len, maps.map(layer, head).to_vec())
                .ok_or("empty map")?;
            Figure::Heatmap {
                matrix,
                labels: Some(token_labels(&tokens)),
                x: "key (attended to)",
                y: "query",
                range: (0.0, 1.0),
            }
        }
        "head" => {
            let maps = need_maps()?;
            in_range(maps)?;
            Figure::Lines {
                attention: maps.clone(),
                layer,
                tokens,
            }
        }
        "model" => Figure::Grid {
            attention: need_maps()?.clone(),
            heads_off: args.interventions.heads_off.clone(),
        },
        "rollout" => {
            let off = &args.interventions.heads_off;
            let matrix = rollout(need_maps()?, |l, h| off.contains(&(l, h)));
            Figure::Heatmap {
                matrix,
                labels: Some(token_labels(&tokens)),
                x: "input token",
                y: "position",
                range: (0.0, 1.0),
            }
        }
        "pooling" => match &trace.attention {
            Attention::Pooling { weights } => Figure::Pooling {
                tokens,
                weights: weights.clone(),
            },
            _ => {
                return Err(format!(
                    "the pooling view needs a BiLSTM; this model is a {}",
                    trace.architecture
                ))
            }
        },
        "alignment" => match (&trace.attention, &trace.output) {
            (Attention::Cross { weights }, Output::Translation { tokens: target, .. }) => {
                Figure::Heatmap {
                    matrix: (**weights).clone(),
                    labels: Some(AxisLabels {
                        rows: target.clone(),
                        cols: tokens,
                    }),
                    x: "English (source)",
                    y: "Spanish (generated)",
                    range: (0.0, 1.0),
                }
            }
            _ => {
                return Err(format!(
                    "the alignment view needs the translator; this model is a {}",
                    trace.architecture
                ))
            }
        },
        "pe" => {
            let params =
                PeParams::new(PE_SIZE.0, PE_SIZE.1, 10_000.0).map_err(|e| e.to_string())?;
            Figure::Heatmap {
                matrix: positional_encoding(&params).into_matrix(),
                labels: None,
                x: "dimension",
                y: "position",
                range: (-1.0, 1.0),
            }
        }
        other => {
            return Err(format!(
                "there is no view “{other}”; views: {}",
                VIEWS.join(", ")
            ))
        }
    })
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

/// Runs the model and writes the figure.
pub fn render(args: &RenderArgs) -> Result<(), String> {
    let font = load_font(args.font.as_deref())?;
    plotters::style::register_font("sans-serif", FontStyle::Normal, font)
        .map_err(|_| "the font file is not a TrueType font plotters can read".to_owned())?;
    let trace = if args.view == "pe" {
        None
    } else {
        let model =
            Model::from_dir(&args.model).map_err(|e| format!("{}: {e}", args.model.display()))?;
        Some(
            model
                .run(&args.text, &args.interventions)
                .map_err(|e| e.to_string())?,
        )
    };
    let figure = match &trace {
        Some(trace) => figure(&args.view, trace, args)?,
        None => figure("pe", &Trace::empty("none"), args)?,
    };
    let (w, h) = figure.size();
    match args.format.as_str() {
        "svg" => {
            let style = PlotStyle::for_theme(args.dark, 1.0);
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
                figure.draw(&root, &style)?;
                root.present().map_err(|e| e.to_string())?;
            }
            std::fs::write(&args.output, svg).map_err(|e| format!("{}: {e}", args.output.display()))
        }
        "png" => {
            // Twice the CSS size, as on a HiDPI screen.
            let style = PlotStyle::for_theme(args.dark, 2.0);
            let root = BitMapBackend::new(&args.output, (w * 2, h * 2)).into_drawing_area();
            figure.draw(&root, &style)?;
            root.present()
                .map_err(|e| format!("{}: {e}", args.output.display()))
        }
        other => Err(format!("there is no format “{other}”; formats: svg, png")),
    }
}

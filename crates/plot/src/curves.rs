//! Line plots of a few series over a shared integer x axis, with a legend.

use super::{colormap::line_palette, plot_err, PlotRect, PlotResult, PlotStyle};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One labelled line.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// y at x = 0, 1, 2, ...
    pub values: Vec<f32>,
}

/// What a line plot shows.
#[derive(Debug, Clone, Copy)]
pub struct CurvesSpec<'a> {
    /// The lines (at most the palette's six are coloured distinctly; more reuse colours).
    pub series: &'a [Series],
    /// The y range drawn.
    pub y_range: (f32, f32),
    /// Caption of the x axis.
    pub x_label: &'a str,
    /// Caption of the y axis.
    pub y_label: &'a str,
    /// A highlighted x (the keyboard or pointer cursor), drawn as a vertical rule.
    pub cursor_x: Option<usize>,
}

/// Draws the lines with axes and legend; returns the data area.
pub fn draw_curves<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &CurvesSpec<'_>,
    style: &PlotStyle,
) -> PlotResult<PlotRect> {
    root.fill(&style.background).map_err(plot_err)?;
    let len = spec
        .series
        .iter()
        .map(|s| s.values.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let x_max = (len - 1).max(1) as f64;
    let (y0, y1) = (spec.y_range.0 as f64, spec.y_range.1 as f64);
    let mut chart = ChartBuilder::on(root)
        .margin(style.px(10.0))
        .x_label_area_size(style.px(38.0))
        .y_label_area_size(style.px(50.0))
        .build_cartesian_2d(0.0..x_max, y0..y1)
        .map_err(plot_err)?;
    let grid = RGBAColor(
        style.foreground.0,
        style.foreground.1,
        style.foreground.2,
        0.12,
    );
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(grid.stroke_width(style.px(1.0)))
        .x_desc(spec.x_label)
        .y_desc(spec.y_label)
        .x_labels(8)
        .y_labels(5)
        .x_label_formatter(&|v| format!("{}", v.round() as i64))
        .y_label_formatter(&|v| format!("{v:.1}"))
        .label_style(style.text(12.0))
        .axis_desc_style(style.text(13.0))
        .axis_style(style.foreground.stroke_width(style.px(1.0)))
        .draw()
        .map_err(plot_err)?;
    if let Some(x) = spec.cursor_x {
        let rule = RGBAColor(
            style.foreground.0,
            style.foreground.1,
            style.foreground.2,
            0.5,
        );
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x as f64, y0), (x as f64, y1)],
                rule.stroke_width(style.px(1.0)),
            )))
            .map_err(plot_err)?;
    }
    let palette = line_palette(style.dark);
    for (i, series) in spec.series.iter().enumerate() {
        let color = palette[i % palette.len()];
        let line = color.stroke_width(style.px(2.0));
        chart
            .draw_series(LineSeries::new(
                series
                    .values
                    .iter()
                    .enumerate()
                    .map(|(x, &y)| (x as f64, y as f64)),
                line,
            ))
            .map_err(plot_err)?
            .label(series.label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
            });
    }
    if !spec.series.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(style.background.mix(0.85))
            .border_style(grid)
            .label_font(style.text(12.0))
            .draw()
            .map_err(plot_err)?;
    }
    Ok(PlotRect::from_ranges(
        chart.plotting_area().get_pixel_range(),
    ))
}

/// The series nearest (in y) to a point at fraction (fx, fy) of the data area, with its x.
pub fn nearest_point(spec: &CurvesSpec<'_>, (fx, fy): (f64, f64)) -> Option<(usize, usize)> {
    let len = spec.series.iter().map(|s| s.values.len()).max()?;
    let x = (fx * (len.max(2) - 1) as f64).round() as usize;
    let y = spec.y_range.1 as f64 - fy * (spec.y_range.1 - spec.y_range.0) as f64;
    spec.series
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.values.get(x).map(|v| (i, (*v as f64 - y).abs())))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| (i, x))
}

//! Line plots of a few series over a shared integer x axis, with a legend.

use super::{colormap::line_palette, plot_err, PlotRect, PlotResult, PlotStyle};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor;

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
    let mut entries = Vec::with_capacity(spec.series.len());
    for (i, series) in spec.series.iter().enumerate() {
        let color = palette[i % palette.len()];
        let points = series.values.iter().enumerate();
        let line = LineSeries::new(
            points.map(|(x, &y)| (x as f64, y as f64)),
            color.stroke_width(style.px(2.0)),
        );
        chart.draw_series(line).map_err(plot_err)?;
        entries.push((series.label.as_str(), color));
    }
    let (x_range, y_range) = chart.plotting_area().get_pixel_range();
    draw_legend(root, (x_range.end, y_range.end), &entries, style, grid)?;
    Ok(PlotRect::from_ranges((x_range, y_range)))
}

/// The legend in the lower right corner of the data area, whose corner is at `corner`: a
/// line sample and the label of each series. Drawn here rather than by plotters' series
/// labels, which measure their text in a page element with a `style` attribute (refused by
/// a style-src without 'unsafe-inline'); this measures through the backend.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (right, bottom): (i32, i32),
    entries: &[(&str, RGBColor)],
    style: &PlotStyle,
    border: RGBAColor,
) -> PlotResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let font = style.text(12.0);
    let mut sizes = Vec::with_capacity(entries.len());
    for (label, _) in entries {
        sizes.push(root.estimate_text_size(label, &font).map_err(plot_err)?);
    }
    let [pad, sample, gap] = [6.0, 18.0, 6.0].map(|px| style.px(px) as i32);
    let row = sizes.iter().map(|s| s.1).max().unwrap_or(0) as i32 + style.px(5.0) as i32;
    let text_width = sizes.iter().map(|s| s.0).max().unwrap_or(0) as i32;
    let (x1, y1) = (right - pad, bottom - pad);
    let (x0, y0) = (
        x1 - (text_width + sample + gap + 2 * pad),
        y1 - (row * entries.len() as i32 + 2 * pad),
    );
    let box_fill = style.background.mix(0.85).filled();
    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], box_fill))
        .map_err(plot_err)?;
    root.draw(&Rectangle::new(
        [(x0, y0), (x1, y1)],
        border.stroke_width(1),
    ))
    .map_err(plot_err)?;
    let left = font.pos(text_anchor::Pos::new(
        text_anchor::HPos::Left,
        text_anchor::VPos::Center,
    ));
    for (i, (label, color)) in entries.iter().enumerate() {
        let y = y0 + pad + row * i as i32 + row / 2;
        let line = vec![(x0 + pad, y), (x0 + pad + sample, y)];
        root.draw(&PathElement::new(line, color.stroke_width(style.px(3.0))))
            .map_err(plot_err)?;
        let at = (x0 + pad + sample + gap, y);
        root.draw(&Text::new(*label, at, left.clone()))
            .map_err(plot_err)?;
    }
    Ok(())
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

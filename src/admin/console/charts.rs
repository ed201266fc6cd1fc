//! Charts drawn on the server as inline SVG (S8 dashboard): stacked bars
//! over time, horizontal bars and a ring. Only numbers and escaped labels
//! go into the markup; colours come from CSS classes (`chart-series-N`),
//! so the CSP needs no inline style and dark mode follows the stylesheet.
//! Every chart is `role="img"` with a `<title>` and a `<desc>` that says
//! in words what it shows (its text alternative).

use std::fmt::Write;

/// A chart ready for a template (`{{ chart.svg|safe }}`).
#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    /// The text alternative, also shown under the chart.
    pub summary: String,
    pub svg: String,
    /// Legend entries: (CSS class, label).
    pub legend: Vec<(&'static str, String)>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn open(out: &mut String, id: &str, width: u32, height: u32, title: &str, summary: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-labelledby=\"{id}-t {id}-d\" focusable=\"false\"><title id=\"{id}-t\">{}</title>\
         <desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(summary)
    );
}

/// One series of a bar chart: its CSS class and label.
pub struct Series {
    pub class: &'static str,
    pub label: String,
    pub values: Vec<u64>,
}

/// Stacked vertical bars, one per bucket (all series the same length);
/// `ticks` are (bucket index, label) under the axis.
pub fn stacked_bars(
    id: &str,
    title: &str,
    summary: String,
    series: &[Series],
    ticks: &[(usize, String)],
) -> Chart {
    let n = series.first().map_or(0, |s| s.values.len()).max(1);
    let (width, height, left, bottom, top) = (840u32, 220u32, 36u32, 24u32, 10u32);
    let plot_w = f64::from(width - left - 4);
    let plot_h = f64::from(height - bottom - top);
    let totals: Vec<u64> = (0..n)
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let max = nice_max(totals.iter().copied().max().unwrap_or(0));
    let mut out = String::new();
    open(&mut out, id, width, height, title, &summary);
    // Grid lines and their values.
    for step in 0..=4u32 {
        let value = max * u64::from(step) / 4;
        let y = f64::from(top) + plot_h - plot_h * f64::from(step) / 4.0;
        let _ = write!(
            out,
            "<line class=\"chart-grid\" x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"chart-label\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{value}</text>",
            width - 4,
            left - 4,
            y + 4.0
        );
    }
    let slot = plot_w / n as f64;
    let bar = (slot * 0.8).max(1.0);
    for i in 0..n {
        let x = f64::from(left) + slot * i as f64 + (slot - bar) / 2.0;
        let mut y = f64::from(top) + plot_h;
        for s in series {
            let v = s.values.get(i).copied().unwrap_or(0);
            if v == 0 || max == 0 {
                continue;
            }
            let h = plot_h * v as f64 / max as f64;
            y -= h;
            let _ = write!(
                out,
                "<rect class=\"{}\" x=\"{x:.2}\" y=\"{y:.2}\" width=\"{bar:.2}\" height=\"{h:.2}\"/>",
                s.class
            );
        }
    }
    let axis_y = top + plot_h as u32;
    let _ = write!(
        out,
        "<line class=\"chart-axis\" x1=\"{left}\" x2=\"{}\" y1=\"{axis_y}\" y2=\"{axis_y}\"/>",
        width - 4
    );
    for (i, label) in ticks {
        let x = f64::from(left) + slot * *i as f64;
        // A label that would run off the right edge is left out.
        if x > f64::from(width) - 44.0 {
            continue;
        }
        let _ = write!(
            out,
            "<text class=\"chart-label\" x=\"{x:.1}\" y=\"{}\">{}</text>",
            height - 6,
            esc(label)
        );
    }
    out.push_str("</svg>");
    Chart {
        title: title.to_owned(),
        summary,
        svg: out,
        legend: series.iter().map(|s| (s.class, s.label.clone())).collect(),
    }
}

/// Horizontal bars: (CSS class, label, value), with the value written out.
pub fn horizontal_bars(
    id: &str,
    title: &str,
    summary: String,
    rows: &[(&'static str, String, u64)],
) -> Chart {
    let row_h = 34u32;
    let height = (row_h * u32::try_from(rows.len()).unwrap_or(0)).max(row_h) + 4;
    let (width, label_w) = (420u32, 130u32);
    let max = rows.iter().map(|r| r.2).max().unwrap_or(0).max(1);
    let track = f64::from(width - label_w - 50);
    let mut out = String::new();
    open(&mut out, id, width, height, title, &summary);
    for (i, (class, label, value)) in rows.iter().enumerate() {
        let y = row_h * u32::try_from(i).unwrap_or(0) + 4;
        let w = track * *value as f64 / max as f64;
        let _ = write!(
            out,
            "<text class=\"chart-label\" x=\"0\" y=\"{}\">{}</text>\
             <rect class=\"chart-track\" x=\"{label_w}\" y=\"{y}\" width=\"{track:.1}\" height=\"20\" rx=\"3\"/>\
             <rect class=\"{class}\" x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"20\" rx=\"3\"/>\
             <text class=\"chart-label\" x=\"{:.1}\" y=\"{}\">{value}</text>",
            y + 14,
            esc(label),
            f64::from(label_w) + track + 6.0,
            y + 14
        );
    }
    out.push_str("</svg>");
    Chart {
        title: title.to_owned(),
        summary,
        svg: out,
        legend: Vec::new(),
    }
}

/// A ring of parts (CSS class, label, value) with `centre` written inside.
pub fn ring(
    id: &str,
    title: &str,
    summary: String,
    parts: &[(&'static str, String, u64)],
    centre: &str,
) -> Chart {
    let total: u64 = parts.iter().map(|p| p.2).sum();
    let r = 60.0_f64;
    let circumference = 2.0 * std::f64::consts::PI * r;
    let mut out = String::new();
    open(&mut out, id, 200, 160, title, &summary);
    out = out.replacen("<svg ", "<svg class=\"chart-ring-svg\" ", 1);
    let _ = write!(
        out,
        "<circle class=\"chart-ring-track\" cx=\"100\" cy=\"80\" r=\"{r}\" fill=\"none\" stroke-width=\"22\"/>"
    );
    let mut offset = 0.0;
    for (class, _, value) in parts {
        if total == 0 || *value == 0 {
            continue;
        }
        let len = circumference * *value as f64 / total as f64;
        let _ = write!(
            out,
            "<circle class=\"{class} chart-ring\" cx=\"100\" cy=\"80\" r=\"{r}\" fill=\"none\" stroke-width=\"22\" \
             stroke-dasharray=\"{len:.2} {:.2}\" stroke-dashoffset=\"{:.2}\" transform=\"rotate(-90 100 80)\"/>",
            circumference - len,
            -offset
        );
        offset += len;
    }
    let _ = write!(
        out,
        "<text class=\"chart-centre\" x=\"100\" y=\"88\" text-anchor=\"middle\">{}</text></svg>",
        esc(centre)
    );
    Chart {
        title: title.to_owned(),
        summary,
        svg: out,
        legend: parts.iter().map(|p| (p.0, p.1.clone())).collect(),
    }
}

/// A round upper bound for an axis (1, 2, 5 × 10ⁿ), at least 4 so the
/// four grid steps are whole numbers.
fn nice_max(max: u64) -> u64 {
    let mut unit = 1u64;
    while unit < u64::MAX / 10 {
        for m in [1u64, 2, 4, 5, 8] {
            let candidate = m * unit;
            if candidate >= max && candidate.is_multiple_of(4) {
                return candidate;
            }
        }
        unit *= 10;
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_maxima_are_round_and_cover_the_data() {
        for (max, want) in [
            (0, 4),
            (3, 4),
            (5, 8),
            (7, 8),
            (9, 20),
            (19, 20),
            (21, 40),
            (150, 200),
            (999, 1000),
        ] {
            let got = nice_max(max);
            assert!(got >= max && got.is_multiple_of(4), "{max} -> {got}");
            assert_eq!(got, want, "{max}");
        }
    }

    #[test]
    fn labels_are_escaped_and_every_chart_has_a_text_alternative() {
        let chart = horizontal_bars(
            "m",
            "Methods <b>",
            "2 sign-ins".into(),
            &[("chart-series-1", "<i>pwd".into(), 2)],
        );
        assert!(chart.svg.contains("&lt;i&gt;pwd"));
        assert!(!chart.svg.contains("<i>"));
        assert!(chart.svg.contains("aria-labelledby=\"m-t m-d\""));
        assert!(chart.svg.contains("<desc id=\"m-d\">2 sign-ins</desc>"));
        let bars = stacked_bars(
            "s",
            "t",
            "none".into(),
            &[Series {
                class: "chart-series-1",
                label: "ok".into(),
                values: vec![0, 3, 1],
            }],
            &[(0, "Mon".into())],
        );
        assert_eq!(bars.svg.matches("<rect").count(), 2);
        let empty = ring(
            "r",
            "t",
            "no users".into(),
            &[("chart-series-1", "a".into(), 0)],
            "0%",
        );
        assert!(!empty.svg.contains("stroke-dasharray"));
    }
}

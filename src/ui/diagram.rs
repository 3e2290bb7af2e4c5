//! The ER diagram as plain Rust: a layered layout of the tables (referenced tables above the
//! tables that refer to them), crow's-foot ends on every foreign key, and the SVG text. No
//! browser types here; the Diagram panel only shows the SVG and pans and zooms it.
//!
//! Layout: a table's layer is one more than the deepest table it refers to (self references
//! and cycles ignored); each layer is ordered by the barycenter of its neighbours' positions
//! (a few up and down sweeps) and wrapped into rows of at most [`MAX_PER_ROW`] tables. Boxes
//! are placed from their measured widths and heights, so they never overlap.

use std::collections::HashMap;
use std::fmt::Write;

use crate::flask::playground::TableView;

/// At most this many tables side by side; a wider layer wraps onto another row.
pub const MAX_PER_ROW: usize = 6;
const CHAR_W: f64 = 7.4;
const HEADER_H: f64 = 28.0;
const ROW_H: f64 = 19.0;
const PAD_X: f64 = 10.0;
const GAP_X: f64 = 56.0;
const GAP_Y: f64 = 72.0;
const MARGIN: f64 = 24.0;

/// A table's box.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub table: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// A plain `db.Table` whose columns are all foreign keys: an association table.
    pub association: bool,
}

impl Node {
    fn overlaps(&self, o: &Node) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// One end of a foreign key line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Exactly one (`||`): the referenced row when the foreign key is NOT NULL.
    One,
    /// Zero or one (`o|`): the referenced row when the foreign key may be NULL, or the
    /// referring row when the foreign key is unique.
    ZeroOrOne,
    /// Zero or many (`o<`): the referring rows.
    ZeroOrMany,
}

/// A foreign key: from the referring table's column to the referenced table.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// The foreign key column (the label).
    pub column: String,
    pub from_end: End,
    pub to_end: End,
}

/// A laid out diagram.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagram {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub width: f64,
    pub height: f64,
    tables: Vec<TableView>,
}

fn text_w(s: &str) -> f64 {
    s.chars().count() as f64 * CHAR_W
}

fn column_line(c: &crate::flask::playground::ColumnView) -> (String, String) {
    let mut marks = Vec::new();
    if c.primary_key {
        marks.push("PK");
    }
    if c.foreign_key.is_some() {
        marks.push("FK");
    }
    if c.unique && !c.primary_key {
        marks.push("UQ");
    }
    (format!("{} {}", c.name, c.sql_type), marks.join(" "))
}

fn is_association(t: &TableView) -> bool {
    t.model.is_none() && t.columns.len() >= 2 && t.columns.iter().filter(|c| c.foreign_key.is_some()).count() >= 2
}

/// Lays the tables out.
pub fn layout(tables: &[TableView]) -> Diagram {
    let index: HashMap<&str, usize> = tables.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let mut edges = Vec::new();
    for (i, t) in tables.iter().enumerate() {
        for c in &t.columns {
            let Some(target) = &c.foreign_key else { continue };
            let table = target.rsplit_once('.').map(|p| p.0).unwrap_or(target);
            let Some(&j) = index.get(table) else { continue };
            edges.push(Edge {
                from: i,
                to: j,
                column: c.name.clone(),
                from_end: if c.unique || c.primary_key && t.columns.iter().filter(|c| c.primary_key).count() == 1 {
                    End::ZeroOrOne
                } else {
                    End::ZeroOrMany
                },
                to_end: if c.nullable { End::ZeroOrOne } else { End::One },
            });
        }
    }
    // Layers: longest path to a table that refers to nothing (bounded, so cycles end).
    let n = tables.len();
    let mut layer = vec![0usize; n];
    for _ in 0..n.min(64) {
        let mut changed = false;
        for e in &edges {
            if e.from != e.to && layer[e.from] < layer[e.to] + 1 && layer[e.to] + 1 < n.max(1) {
                layer[e.from] = layer[e.to] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let layers = layer.iter().copied().max().map_or(0, |m| m + 1);
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (i, &l) in layer.iter().enumerate() {
        order[l].push(i);
    }
    // Barycenter sweeps.
    let mut pos = vec![0.0f64; n];
    let set_pos = |order: &Vec<Vec<usize>>, pos: &mut Vec<f64>| {
        for l in order {
            for (k, &i) in l.iter().enumerate() {
                pos[i] = k as f64;
            }
        }
    };
    set_pos(&order, &mut pos);
    for sweep in 0..4 {
        let range: Vec<usize> =
            if sweep % 2 == 0 { (1..layers).collect() } else { (0..layers.saturating_sub(1)).rev().collect() };
        for l in range {
            let mut keyed: Vec<(f64, usize)> = order[l]
                .iter()
                .map(|&i| {
                    let neighbours: Vec<f64> = edges
                        .iter()
                        .filter_map(|e| {
                            if e.from == i && e.to != i {
                                Some(pos[e.to])
                            } else if e.to == i && e.from != i {
                                Some(pos[e.from])
                            } else {
                                None
                            }
                        })
                        .collect();
                    let b = if neighbours.is_empty() {
                        pos[i]
                    } else {
                        neighbours.iter().sum::<f64>() / neighbours.len() as f64
                    };
                    (b, i)
                })
                .collect();
            crate::sort::sort_by(&mut keyed, |a, b| {
                a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal).then(a.1.cmp(&b.1))
            });
            order[l] = keyed.into_iter().map(|(_, i)| i).collect();
            set_pos(&order, &mut pos);
        }
    }
    // Sizes and placement, row by row.
    let mut nodes: Vec<Node> = tables
        .iter()
        .map(|t| {
            let title = match &t.model {
                Some(m) => format!("{} ({m})", t.name),
                None => t.name.clone(),
            };
            let widest = t
                .columns
                .iter()
                .map(|c| {
                    let (text, marks) = column_line(c);
                    text_w(&text) + text_w(&marks) + 18.0
                })
                .fold(text_w(&title) + 8.0, f64::max);
            Node {
                table: t.name.clone(),
                x: 0.0,
                y: 0.0,
                w: (widest + 2.0 * PAD_X).clamp(140.0, 420.0),
                h: HEADER_H + ROW_H * t.columns.len().max(1) as f64 + 6.0,
                association: is_association(t),
            }
        })
        .collect();
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for l in &order {
        for chunk in l.chunks(MAX_PER_ROW) {
            rows.push(chunk.to_vec());
        }
    }
    let row_widths: Vec<f64> = rows
        .iter()
        .map(|r| r.iter().map(|&i| nodes[i].w).sum::<f64>() + GAP_X * r.len().saturating_sub(1) as f64)
        .collect();
    let width = row_widths.iter().copied().fold(0.0, f64::max) + 2.0 * MARGIN;
    let mut y = MARGIN;
    for (r, row) in rows.iter().enumerate() {
        let mut x = (width - row_widths[r]) / 2.0;
        let row_h = row.iter().map(|&i| nodes[i].h).fold(0.0, f64::max);
        for &i in row {
            nodes[i].x = x;
            nodes[i].y = y;
            x += nodes[i].w + GAP_X;
        }
        y += row_h + GAP_Y;
    }
    let height = if rows.is_empty() { 2.0 * MARGIN } else { y - GAP_Y + MARGIN };
    Diagram { nodes, edges, width: width.max(2.0 * MARGIN), height, tables: tables.to_vec() }
}

/// True when no two boxes overlap (the layout's promise; checked by the tests).
pub fn has_overlaps(d: &Diagram) -> bool {
    d.nodes.iter().enumerate().any(|(i, a)| d.nodes[i + 1..].iter().any(|b| a.overlaps(b)))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The crow's-foot glyph at point `p`, the line leaving it in unit direction `d`.
fn end_glyph(out: &mut String, p: (f64, f64), d: (f64, f64), end: End) {
    let at = |k: f64| (p.0 + d.0 * k, p.1 + d.1 * k);
    let perp = (-d.1, d.0);
    let bar = |out: &mut String, k: f64| {
        let c = at(k);
        let _ = write!(
            out,
            r#"<line class="er-mark" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
            c.0 + perp.0 * 6.0,
            c.1 + perp.1 * 6.0,
            c.0 - perp.0 * 6.0,
            c.1 - perp.1 * 6.0
        );
    };
    let circle = |out: &mut String, k: f64| {
        let c = at(k);
        let _ = write!(out, r#"<circle class="er-mark er-o" cx="{:.1}" cy="{:.1}" r="4.5"/>"#, c.0, c.1);
    };
    match end {
        End::One => {
            bar(out, 8.0);
            bar(out, 13.0);
        }
        End::ZeroOrOne => {
            bar(out, 8.0);
            circle(out, 18.0);
        }
        End::ZeroOrMany => {
            let apex = at(13.0);
            for s in [-1.0, 0.0, 1.0] {
                let _ = write!(
                    out,
                    r#"<line class="er-mark" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
                    apex.0,
                    apex.1,
                    p.0 + perp.0 * 7.0 * s,
                    p.1 + perp.1 * 7.0 * s
                );
            }
            circle(out, 18.0);
        }
    }
}

/// Where an edge meets a box: the middle of the side facing `toward`, and the outward
/// direction.
fn port(n: &Node, toward: (f64, f64), shift: f64) -> ((f64, f64), (f64, f64)) {
    let c = (n.x + n.w / 2.0, n.y + n.h / 2.0);
    let (dx, dy) = (toward.0 - c.0, toward.1 - c.1);
    if dy.abs() * n.w > dx.abs() * n.h {
        let sign = dy.signum();
        ((c.0 + shift, c.1 + sign * n.h / 2.0), (0.0, sign))
    } else {
        let sign = if dx == 0.0 { 1.0 } else { dx.signum() };
        ((c.0 + sign * n.w / 2.0, c.1 + shift.clamp(-n.h / 3.0, n.h / 3.0)), (sign, 0.0))
    }
}

const STYLE: &str = "text{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;\
fill:var(--er-text,#1f2328)}.er-box{fill:var(--er-bg,#ffffff);stroke:var(--er-line,#57606a);stroke-width:1.2}\
.er-head{fill:var(--er-head,#ddf4ff)}.er-assoc .er-box{stroke-dasharray:5 3}.er-assoc .er-head{fill:var(--er-assoc,#fff8c5)}\
.er-title{font-weight:700}.er-marks{fill:var(--er-muted,#57606a);font-size:10px}.er-pk{font-weight:700}\
.er-edge{fill:none;stroke:var(--er-line,#57606a);stroke-width:1.3}.er-mark{stroke:var(--er-line,#57606a);stroke-width:1.3}\
.er-o{fill:var(--er-bg,#ffffff)}.er-label{fill:var(--er-accent,#0969da);font-size:11px}\
.er-kind{fill:var(--er-muted,#57606a);font-size:10px;font-style:italic}";

/// The diagram's inner SVG (everything inside `<svg>`).
pub fn svg_body(d: &Diagram) -> String {
    let mut out = String::with_capacity(4096);
    let _ = write!(out, "<style>{STYLE}</style>");
    // Edges first, boxes over them.
    let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
    for e in &d.edges {
        let (a, b) = (&d.nodes[e.from], &d.nodes[e.to]);
        let k = seen.entry((e.from.min(e.to), e.from.max(e.to))).or_insert(0);
        let shift = (*k as f64) * 16.0 - 0.0;
        *k += 1;
        if e.from == e.to {
            // A self reference: a loop on the right side.
            let (x, y) = (a.x + a.w, a.y + HEADER_H + 10.0 + shift);
            let (y2, r) = (y + 28.0, 34.0);
            let _ = write!(
                out,
                r#"<path class="er-edge" d="M{x:.1},{y:.1} C{:.1},{y:.1} {:.1},{y2:.1} {x:.1},{y2:.1}"/>"#,
                x + r,
                x + r
            );
            end_glyph(&mut out, (x, y), (1.0, 0.0), e.from_end);
            end_glyph(&mut out, (x, y2), (1.0, 0.0), e.to_end);
            let _ = write!(
                out,
                r#"<text class="er-label" x="{:.1}" y="{:.1}">{}</text>"#,
                x + r + 4.0,
                y + 18.0,
                esc(&e.column)
            );
            continue;
        }
        let bc = (b.x + b.w / 2.0, b.y + b.h / 2.0);
        let ac = (a.x + a.w / 2.0, a.y + a.h / 2.0);
        let (p1, d1) = port(a, bc, shift);
        let (p2, d2) = port(b, ac, shift);
        let len = ((p2.0 - p1.0).powi(2) + (p2.1 - p1.1).powi(2)).sqrt().max(40.0) / 2.5;
        let _ = write!(
            out,
            r#"<path class="er-edge" d="M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}"><title>{}.{} → {}</title></path>"#,
            p1.0,
            p1.1,
            p1.0 + d1.0 * len,
            p1.1 + d1.1 * len,
            p2.0 + d2.0 * len,
            p2.1 + d2.1 * len,
            p2.0,
            p2.1,
            esc(&a.table),
            esc(&e.column),
            esc(&b.table)
        );
        end_glyph(&mut out, p1, d1, e.from_end);
        end_glyph(&mut out, p2, d2, e.to_end);
        // The foreign key column, beside the referring end.
        let lp = (p1.0 + d1.0 * 26.0 + 6.0, p1.1 + d1.1 * 26.0 + if d1.1 == 0.0 { -6.0 } else { 4.0 });
        let _ = write!(out, r#"<text class="er-label" x="{:.1}" y="{:.1}">{}</text>"#, lp.0, lp.1, esc(&e.column));
    }
    for (n, t) in d.nodes.iter().zip(&d.tables) {
        let class = if n.association { "er-table er-assoc" } else { "er-table" };
        let _ = write!(out, r#"<g class="{class}" data-table="{}">"#, esc(&t.name));
        let _ = write!(
            out,
            r#"<rect class="er-box" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="5"/>"#,
            n.x, n.y, n.w, n.h
        );
        let _ = write!(
            out,
            r#"<path class="er-head" d="M{x0:.1},{y1:.1} V{y0r:.1} Q{x0:.1},{y0:.1} {x0r:.1},{y0:.1} H{x1r:.1} Q{x1:.1},{y0:.1} {x1:.1},{y0r:.1} V{y1:.1} Z"/>"#,
            x0 = n.x + 0.6,
            x1 = n.x + n.w - 0.6,
            y0 = n.y + 0.6,
            y0r = n.y + 5.6,
            x0r = n.x + 5.6,
            x1r = n.x + n.w - 5.6,
            y1 = n.y + HEADER_H - 4.0
        );
        let title = match &t.model {
            Some(m) if m != &t.name => format!("{} <tspan class=\"er-kind\">{}</tspan>", esc(&t.name), esc(m)),
            Some(_) => esc(&t.name),
            None if n.association => format!("{} <tspan class=\"er-kind\">association</tspan>", esc(&t.name)),
            None => format!("{} <tspan class=\"er-kind\">Table</tspan>", esc(&t.name)),
        };
        let _ = write!(
            out,
            r#"<text class="er-title" x="{:.1}" y="{:.1}">{title}</text>"#,
            n.x + PAD_X,
            n.y + HEADER_H - 10.0
        );
        for (k, c) in t.columns.iter().enumerate() {
            let y = n.y + HEADER_H + ROW_H * k as f64 + 13.0;
            let (text, marks) = column_line(c);
            let class = if c.primary_key { " class=\"er-pk\"" } else { "" };
            let _ = write!(out, r#"<text{class} x="{:.1}" y="{y:.1}">{}</text>"#, n.x + PAD_X, esc(&text));
            if !marks.is_empty() {
                let _ = write!(
                    out,
                    r#"<text class="er-marks" x="{:.1}" y="{y:.1}" text-anchor="end">{marks}</text>"#,
                    n.x + n.w - PAD_X
                );
            }
        }
        out.push_str("</g>");
    }
    out
}

/// A standalone SVG document of the diagram (what Export SVG saves).
pub fn svg_document(d: &Diagram) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}"><rect width="100%" height="100%" fill="white"/>{}</svg>"#,
        svg_body(d),
        w = d.width,
        h = d.height
    )
}

/// The visible part of the diagram: a viewBox that pans and zooms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl View {
    /// The whole diagram, with the aspect ratio of a `vw`×`vh` viewport.
    pub fn fit(d: &Diagram, vw: f64, vh: f64) -> View {
        let (vw, vh) = (vw.max(1.0), vh.max(1.0));
        let scale = (d.width / vw).max(d.height / vh).max(0.5);
        let (w, h) = (vw * scale, vh * scale);
        View { x: (d.width - w) / 2.0, y: (d.height - h) / 2.0, w, h }
    }
    /// Zooms by `factor` (> 1 zooms in) keeping the point at fraction (`fx`, `fy`) of the
    /// viewport still; the zoom stays between 1/8 and 8 of the diagram's size.
    pub fn zoom(self, factor: f64, fx: f64, fy: f64) -> View {
        let factor = if factor.is_finite() && factor > 0.0 { factor } else { 1.0 };
        let w = (self.w / factor).clamp(40.0, 40000.0);
        let h = self.h * w / self.w;
        let (px, py) = (self.x + self.w * fx, self.y + self.h * fy);
        View { x: px - w * fx, y: py - h * fy, w, h }
    }
    /// Moves by (`dx`, `dy`) screen pixels of a viewport `vw` pixels wide.
    pub fn pan(self, dx: f64, dy: f64, vw: f64) -> View {
        let s = self.w / vw.max(1.0);
        View { x: self.x - dx * s, y: self.y - dy * s, ..self }
    }
    pub fn view_box(&self) -> String {
        format!("{:.1} {:.1} {:.1} {:.1}", self.x, self.y, self.w, self.h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flask::playground::ColumnView;

    fn col(name: &str, fk: Option<&str>, pk: bool) -> ColumnView {
        ColumnView {
            name: name.into(),
            sql_type: "INTEGER".into(),
            primary_key: pk,
            nullable: !pk,
            unique: false,
            index: false,
            default: None,
            foreign_key: fk.map(String::from),
        }
    }

    fn table(name: &str, model: Option<&str>, columns: Vec<ColumnView>) -> TableView {
        TableView {
            name: name.into(),
            model: model.map(String::from),
            row_count: None,
            columns,
            create_sql: String::new(),
            alters: vec![],
            ddl: vec![],
        }
    }

    /// `n` models in a chain with cross links and a few association tables.
    pub fn many_tables(n: usize) -> Vec<TableView> {
        (0..n)
            .map(|i| {
                let mut cols = vec![col("id", None, true), col("name", None, false)];
                if i > 0 {
                    cols.push(col("parent_id", Some(&format!("t{}.id", i / 2)), false));
                }
                if i > 3 && i % 3 == 0 {
                    cols.push(col("other_id", Some(&format!("t{}.id", i - 3)), false));
                }
                if i % 10 == 9 {
                    return table(
                        &format!("t{i}"),
                        None,
                        vec![col("a_id", Some("t0.id"), false), col("b_id", Some(&format!("t{}.id", i - 1)), false)],
                    );
                }
                table(&format!("t{i}"), Some(&format!("T{i}")), cols)
            })
            .collect()
    }

    #[test]
    fn referenced_tables_sit_above_the_tables_that_refer_to_them() {
        let tables = vec![
            table("user", Some("User"), vec![col("id", None, true), col("role_id", Some("role.id"), false)]),
            table("role", Some("Role"), vec![col("id", None, true)]),
        ];
        let d = layout(&tables);
        assert!(d.nodes[1].y + d.nodes[1].h < d.nodes[0].y, "role above user");
        assert_eq!(d.edges.len(), 1);
        assert_eq!(d.edges[0].from_end, End::ZeroOrMany);
        assert_eq!(d.edges[0].to_end, End::ZeroOrOne);
        let svg = svg_body(&d);
        assert!(svg.contains(">role_id</text>"), "the FK column labels its line");
        assert!(svg.contains("data-table=\"role\""));
    }

    #[test]
    fn forty_tables_do_not_overlap_and_association_tables_are_marked() {
        let tables = many_tables(40);
        let d = layout(&tables);
        assert_eq!(d.nodes.len(), 40);
        assert!(!has_overlaps(&d));
        assert!(d.nodes.iter().filter(|n| n.association).count() >= 3);
        assert!(svg_document(&d).starts_with("<svg xmlns"));
    }

    #[test]
    fn cycles_and_self_references_terminate() {
        let tables = vec![
            table("a", Some("A"), vec![col("id", None, true), col("b_id", Some("b.id"), false)]),
            table("b", Some("B"), vec![col("id", None, true), col("a_id", Some("a.id"), false)]),
            table("c", Some("C"), vec![col("id", None, true), col("parent_id", Some("c.id"), false)]),
        ];
        let d = layout(&tables);
        assert!(!has_overlaps(&d));
        assert!(svg_body(&d).contains(">parent_id</text>"));
        assert!(layout(&[]).nodes.is_empty());
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let v = View { x: 0.0, y: 0.0, w: 800.0, h: 400.0 };
        let z = v.zoom(2.0, 0.5, 0.5);
        assert_eq!(z, View { x: 200.0, y: 100.0, w: 400.0, h: 200.0 });
        let p = z.pan(100.0, 0.0, 800.0);
        assert_eq!(p.x, 150.0);
        assert_eq!(v.zoom(f64::NAN, 0.5, 0.5), v);
    }
}

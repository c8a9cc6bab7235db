//! Point markers: the [`Marker`] shapes and [`draw_marker`], which draws one in pixel space so
//! it keeps its shape on any axis. The registry models use the filled shapes and a ring and a
//! cross; names concbench does not know get the open shapes, the plus and the asterisk first
//! (see [`crate::plot::series_style`]). To add a shape: a variant, its place in
//! [`Marker::ALL`], and its arm in [`draw_marker`].

use plotters::prelude::*;

/// A stroke from one pixel to another.
type Segment = ((i32, i32), (i32, i32));

/// A point marker. Filled and open shapes alternate so lines stay apart in greyscale too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Marker {
    /// Filled circle.
    Circle,
    /// Filled square.
    Square,
    /// Filled triangle pointing up.
    TriangleUp,
    /// Filled diamond.
    Diamond,
    /// Filled triangle pointing down.
    TriangleDown,
    /// Open circle.
    Ring,
    /// Diagonal cross.
    Cross,
    /// Open square.
    OpenSquare,
    /// Open diamond.
    OpenDiamond,
    /// Open triangle pointing up.
    OpenTriangleUp,
    /// Open triangle pointing down.
    OpenTriangleDown,
    /// Upright cross.
    Plus,
    /// Three crossed strokes.
    Asterisk,
    /// Filled hexagon.
    Hexagon,
}

impl Marker {
    /// Every marker, in the order names concbench does not know take them: the shapes no
    /// registry model uses first, then the registry models' own.
    pub const ALL: [Marker; 14] = [
        Marker::OpenSquare,
        Marker::OpenDiamond,
        Marker::OpenTriangleUp,
        Marker::OpenTriangleDown,
        Marker::Plus,
        Marker::Asterisk,
        Marker::Hexagon,
        Marker::Circle,
        Marker::Square,
        Marker::TriangleUp,
        Marker::Diamond,
        Marker::TriangleDown,
        Marker::Ring,
        Marker::Cross,
    ];
}

/// Draws `marker` centred at `at` (pixel coordinates of `area`), `radius` px from its centre
/// to its edge; open shapes are filled with `background`.
pub fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    at: (i32, i32),
    marker: Marker,
    colour: RGBColor,
    background: RGBColor,
    radius: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (x, y) = at;
    let r = radius;
    let outline = ShapeStyle::from(&colour).stroke_width(4);
    let stroke = ShapeStyle::from(&colour).stroke_width(5);
    // A closed outline over a background-filled shape.
    let open = |points: Vec<(i32, i32)>| {
        area.draw(&Polygon::new(points.clone(), background.filled()))?;
        let mut closed = points.clone();
        closed.push(points[0]);
        area.draw(&PathElement::new(closed, outline))
    };
    let up = |h: i32| vec![(x, y - h), (x + h, y + h * 3 / 4), (x - h, y + h * 3 / 4)];
    let down = |h: i32| vec![(x, y + h), (x + h, y - h * 3 / 4), (x - h, y - h * 3 / 4)];
    let diamond = |h: i32| vec![(x, y - h), (x + h, y), (x, y + h), (x - h, y)];
    let lines = |segments: &[Segment]| {
        for &(a, b) in segments {
            area.draw(&PathElement::new(vec![a, b], stroke))?;
        }
        Ok(())
    };
    match marker {
        Marker::Circle => area.draw(&Circle::new(at, r, colour.filled())),
        Marker::Square => {
            let h = r * 85 / 100;
            area.draw(&Rectangle::new(
                [(x - h, y - h), (x + h, y + h)],
                colour.filled(),
            ))
        }
        Marker::TriangleUp => area.draw(&Polygon::new(up(r * 115 / 100), colour.filled())),
        Marker::TriangleDown => area.draw(&Polygon::new(down(r * 115 / 100), colour.filled())),
        Marker::Diamond => area.draw(&Polygon::new(diamond(r * 125 / 100), colour.filled())),
        Marker::Ring => {
            area.draw(&Circle::new(at, r, background.filled()))?;
            area.draw(&Circle::new(at, r - 2, outline))
        }
        Marker::Cross => {
            let h = r * 85 / 100;
            lines(&[
                ((x - h, y - h), (x + h, y + h)),
                ((x - h, y + h), (x + h, y - h)),
            ])
        }
        Marker::OpenSquare => {
            let h = r * 80 / 100;
            area.draw(&Rectangle::new(
                [(x - h, y - h), (x + h, y + h)],
                background.filled(),
            ))?;
            area.draw(&Rectangle::new([(x - h, y - h), (x + h, y + h)], outline))
        }
        Marker::OpenDiamond => open(diamond(r * 115 / 100)),
        Marker::OpenTriangleUp => open(up(r * 110 / 100)),
        Marker::OpenTriangleDown => open(down(r * 110 / 100)),
        Marker::Plus => lines(&[((x - r, y), (x + r, y)), ((x, y - r), (x, y + r))]),
        Marker::Asterisk => {
            let (dx, dy) = (r * 87 / 100, r / 2);
            lines(&[
                ((x, y - r), (x, y + r)),
                ((x - dx, y - dy), (x + dx, y + dy)),
                ((x - dx, y + dy), (x + dx, y - dy)),
            ])
        }
        Marker::Hexagon => {
            let (dx, dy) = (r * 87 / 100, r / 2);
            area.draw(&Polygon::new(
                vec![
                    (x, y - r),
                    (x + dx, y - dy),
                    (x + dx, y + dy),
                    (x, y + r),
                    (x - dx, y + dy),
                    (x - dx, y - dy),
                ],
                colour.filled(),
            ))
        }
    }
}

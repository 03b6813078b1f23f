package bench

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// series is one line of the plot.
type series struct {
	label  string
	col    color.RGBA
	dashed bool
	pts    [][2]float64 // concurrency, rate
}

var palette = map[string]color.RGBA{
	"a": {0x1f, 0x77, 0xb4, 0xff}, "b": {0xff, 0x7f, 0x0e, 0xff}, "c": {0x2c, 0xa0, 0x2c, 0xff},
	"d": {0xd6, 0x27, 0x28, 0xff}, "e": {0x94, 0x67, 0xbd, 0xff}, "f": {0x8c, 0x56, 0x4b, 0xff},
}

// writePlot draws throughput against concurrency (log scale), one solid line per scenario and
// one dashed line per database limit, as a PNG.
func writePlot(path string, c Config, res *Result) error {
	var all []series
	for _, s := range c.Scenarios {
		se := series{label: scenarios[s].name, col: palette[s]}
		for _, n := range c.Concurrency {
			se.pts = append(se.pts, [2]float64{float64(n), res.cell(s, n).Rate})
		}
		all = append(all, se)
	}
	limitCol := map[string]color.RGBA{LimitWrite: {0x20, 0x20, 0x20, 0xff}, LimitRead: {0x20, 0xa0, 0xa0, 0xff}}
	for _, kind := range []string{LimitWrite, LimitRead} {
		se := series{label: "limit: " + kind, col: limitCol[kind], dashed: true}
		for _, l := range res.Limits {
			if l.Kind == kind && l.Rate > 0 {
				se.pts = append(se.pts, [2]float64{float64(l.Concurrency), l.Rate})
			}
		}
		if len(se.pts) > 0 {
			all = append(all, se)
		}
	}
	img := drawPlot(fmt.Sprintf("elevatepay bench, %s: throughput against concurrency", engineName(res.Engine)), c.Concurrency, all)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func drawPlot(title string, levels []int, all []series) *image.RGBA {
	const w, h = 960, 560
	const left, right, top, bottom = 80, 250, 50, 60 // margins
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	black, grid := color.RGBA{0, 0, 0, 0xff}, color.RGBA{0xe0, 0xe0, 0xe0, 0xff}

	// Throughput spans decades (an in-process select against HTTP payments): a log scale.
	vmin, vmax := math.Inf(1), 0.0
	for _, s := range all {
		for _, p := range s.pts {
			if p[1] > 0 {
				vmin, vmax = math.Min(vmin, p[1]), math.Max(vmax, p[1])
			}
		}
	}
	if vmax == 0 {
		vmin, vmax = 1, 10
	}
	dlo, dhi := math.Floor(math.Log10(vmin)), math.Ceil(math.Log10(vmax))
	if dhi == dlo {
		dhi++
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, n := range levels {
		lo, hi = math.Min(lo, math.Log2(float64(n))), math.Max(hi, math.Log2(float64(n)))
	}
	x0, x1, y0, y1 := left, w-right, h-bottom, top
	px := func(n float64) int {
		if hi == lo {
			return (x0 + x1) / 2
		}
		return x0 + 20 + int((math.Log2(n)-lo)/(hi-lo)*float64(x1-x0-40))
	}
	py := func(v float64) int {
		if v <= 0 {
			return y0
		}
		return y0 - int((math.Log10(v)-dlo)/(dhi-dlo)*float64(y0-y1))
	}
	for d := dlo; d <= dhi; d++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, d)
			if d == dhi && m > 1 {
				break
			}
			y := py(v)
			line(img, x0, y, x1, y, grid, 1, false)
			label := fmt.Sprintf("%.0f", v)
			if v < 1 {
				label = fmt.Sprintf("%g", v)
			}
			text(img, x0-8-7*len(label), y+4, label, black)
		}
	}
	for _, n := range levels {
		x := px(float64(n))
		line(img, x, y0, x, y1, grid, 1, false)
		label := fmt.Sprint(n)
		text(img, x-7*len(label)/2, y0+18, label, black)
	}
	line(img, x0, y0, x1, y0, black, 1, false)
	line(img, x0, y0, x0, y1, black, 1, false)
	text(img, (x0+x1)/2-7*len("concurrency (client goroutines, log scale)")/2, y0+40, "concurrency (client goroutines, log scale)", black)
	text(img, x0, 18, title, black)
	text(img, 8, y1-8, "requests/s (tx/s for limits), log scale", black)

	for i, s := range all {
		for j := 1; j < len(s.pts); j++ {
			line(img, px(s.pts[j-1][0]), py(s.pts[j-1][1]), px(s.pts[j][0]), py(s.pts[j][1]), s.col, 2, s.dashed)
		}
		for _, p := range s.pts {
			x, y := px(p[0]), py(p[1])
			draw.Draw(img, image.Rect(x-3, y-3, x+4, y+4), image.NewUniform(s.col), image.Point{}, draw.Src)
		}
		ly := top + 10 + 22*i
		line(img, x1+20, ly, x1+50, ly, s.col, 2, s.dashed)
		text(img, x1+58, ly+4, s.label, black)
	}
	return img
}

// line draws a line of the given width (1 or 2 pixels), dashed when asked.
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA, width int, dashed bool) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for i := 0; ; i++ {
		if !dashed || (i/8)%2 == 0 {
			for ox := 0; ox < width; ox++ {
				for oy := 0; oy < width; oy++ {
					img.SetRGBA(x0+ox, y0+oy, c)
				}
			}
		}
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

func text(img *image.RGBA, x, y int, s string, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func sign(v int) int {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

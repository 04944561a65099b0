package forms

import (
	"fmt"
	"html/template"
	"image/color"
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"
	"github.com/boombuler/barcode/qr"
)

// Code128SVG draws text as a Code 128 barcode in SVG — what a cashier's scanner reads from a printed
// order — with a quiet zone of ten modules on each side; "" when text cannot be encoded.
func Code128SVG(text string) template.HTML {
	b, err := code128.Encode(text)
	if err != nil {
		return ""
	}
	const quiet, height = 10, 40
	width := b.Bounds().Dx()
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" class="barcode" viewBox="0 0 %d %d" width="%d" height="%d" preserveAspectRatio="none" role="img" aria-label="%s" shape-rendering="crispEdges">`,
		width+2*quiet, height, 2*(width+2*quiet), height, template.HTMLEscapeString(text))
	for x := 0; x < width; {
		if !dark(b.At(x, 0)) {
			x++
			continue
		}
		run := 1
		for x+run < width && dark(b.At(x+run, 0)) {
			run++
		}
		fmt.Fprintf(&sb, `<rect x="%d" width="%d" height="%d"/>`, quiet+x, run, height)
		x += run
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // numbers and an escaped label only
}

// QRSVG draws text as a QR code (error correction M) in SVG with a quiet zone of four modules; ""
// when text cannot be encoded.
func QRSVG(text string) template.HTML {
	b, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return ""
	}
	return matrixSVG(b, text, 4)
}

// matrixSVG draws a two-dimensional code module for module, one rect per horizontal run.
func matrixSVG(b barcode.Barcode, label string, quiet int) template.HTML {
	w, h := b.Bounds().Dx(), b.Bounds().Dy()
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`,
		w+2*quiet, h+2*quiet, template.HTMLEscapeString(label))
	for y := 0; y < h; y++ {
		for x := 0; x < w; {
			if !dark(b.At(x, y)) {
				x++
				continue
			}
			run := 1
			for x+run < w && dark(b.At(x+run, y)) {
				run++
			}
			fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="1"/>`, quiet+x, quiet+y, run)
			x += run
		}
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // numbers and an escaped label only
}

func dark(c color.Color) bool {
	r, _, _, _ := c.RGBA()
	return r < 0x8000
}

package web

import (
	"torg/internal/forms"
)

// barcodeSVG draws text as a Code 128 barcode in SVG, as the printed order does.
var barcodeSVG = forms.Code128SVG

package torg

import (
	"strconv"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Length limits of codes and names, in characters.
const (
	maxCodeLen = 64
	maxNameLen = 255
)

func itoa(i int) string { return strconv.Itoa(i) }

// printable normalises *s to Unicode NFC, so that a text has one form however it was composed (a
// code typed as "e" + U+0301 is the code "é"), and reports whether it is valid UTF-8 without control
// characters, line separators or default-ignorable code points: the invisible characters (zero-width
// spaces and joiners, the combining grapheme joiner, bidirectional controls, variation selectors,
// byte order marks, …) that make two different texts look the same. Every text the API stores goes
// through it.
func printable(s *string) bool { return text(s, false) }

// printableText is printable, but allows line breaks and tabs: for comments.
func printableText(s *string) bool { return text(s, true) }

func text(s *string, breaks bool) bool {
	if !utf8.ValidString(*s) {
		return false
	}
	normal(s)
	for _, r := range *s {
		switch {
		case r >= 0x20 && r < 0x7f:
		case breaks && (r == '\n' || r == '\r' || r == '\t'):
		case r < 0xa0, r == '\u2028', r == '\u2029', ignorable(r):
			return false
		}
	}
	return true
}

// normal normalises *s to NFC: for a code that names a catalog item, so that it finds the item
// however it was composed.
func normal(s *string) {
	if !norm.NFC.IsNormalString(*s) {
		*s = norm.NFC.String(*s)
	}
}

// ignorable reports whether r is a Default_Ignorable_Code_Point, derived as Unicode's
// DerivedCoreProperties.txt does: Other_Default_Ignorable_Code_Point, format characters (Cf) and
// variation selectors, less white space, the interlinear annotation and Egyptian hieroglyph format
// characters, and the prepended concatenation marks (which are visible).
func ignorable(r rune) bool {
	switch {
	case unicode.Is(unicode.White_Space, r), r >= 0xfff9 && r <= 0xfffb, r >= 0x13430 && r <= 0x1343f,
		unicode.Is(unicode.Prepended_Concatenation_Mark, r):
		return false
	}
	return unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector)
}

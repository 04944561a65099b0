package torg

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Amounts in words («сумма прописью»), as Russian accounting forms write them: the roubles in words,
// the kopecks in two digits, each followed by its noun in the form its number needs —
// «Три тысячи пятьсот девятнадцать рублей 40 копеек».

// AmountInWords writes an amount in Russian words, with a capital first letter: roubles in words,
// kopecks as two digits. A negative amount starts with «Минус». Every int64 is written.
func AmountInWords(m Money) string {
	u := abs64(int64(m))
	roubles, kopecks := u/100, u%100
	var b strings.Builder
	if m < 0 {
		b.WriteString("минус ")
	}
	b.WriteString(wordsOf(roubles, false))
	b.WriteString(" " + plural(roubles, "рубль", "рубля", "рублей"))
	b.WriteString(" " + string(rune('0'+kopecks/10)) + string(rune('0'+kopecks%10)))
	b.WriteString(" " + plural(kopecks, "копейка", "копейки", "копеек"))
	return capitalize(b.String())
}

// NumberInWords writes a whole number in Russian words, in the masculine («один», «два»): how
// forms write a count of lines or sheets.
func NumberInWords(n int64) string {
	s := wordsOf(abs64(n), false)
	if n < 0 {
		return "минус " + s
	}
	return s
}

// plural picks the noun's form for n: 1, 21, 101 take one; 2–4, 22–24 another; 0, 5–20, 11–14 the third.
func plural(n uint64, one, few, many string) string {
	switch n100, n10 := n%100, n%10; {
	case n100 >= 11 && n100 <= 19:
		return many
	case n10 == 1:
		return one
	case n10 >= 2 && n10 <= 4:
		return few
	}
	return many
}

// scale is a group of three digits' noun: thousands are feminine, the rest masculine.
type scale struct {
	one, few, many string
	feminine       bool
}

var scales = []scale{
	{}, // units: no noun of their own
	{"тысяча", "тысячи", "тысяч", true},
	{"миллион", "миллиона", "миллионов", false},
	{"миллиард", "миллиарда", "миллиардов", false},
	{"триллион", "триллиона", "триллионов", false},
	{"квадриллион", "квадриллиона", "квадриллионов", false},
	{"квинтиллион", "квинтиллиона", "квинтиллионов", false},
}

var (
	unitsM   = [...]string{"", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"}
	unitsF   = [...]string{"", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"}
	teens    = [...]string{"десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"}
	tens     = [...]string{"", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"}
	hundreds = [...]string{"", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"}
)

// wordsOf writes n in words; feminine applies to the units group («одна», «две»).
func wordsOf(n uint64, feminine bool) string {
	if n == 0 {
		return "ноль"
	}
	var groups []uint64
	for ; n > 0; n /= 1000 {
		groups = append(groups, n%1000)
	}
	var words []string
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		if g == 0 {
			continue
		}
		sc := scales[i]
		words = append(words, triple(g, sc.feminine || (i == 0 && feminine))...)
		if i > 0 {
			words = append(words, plural(g, sc.one, sc.few, sc.many))
		}
	}
	return strings.Join(words, " ")
}

// triple writes 1–999 in words.
func triple(n uint64, feminine bool) []string {
	var w []string
	if h := n / 100; h > 0 {
		w = append(w, hundreds[h])
	}
	switch t, u := n/10%10, n%10; {
	case t == 1:
		w = append(w, teens[u])
	default:
		if t > 1 {
			w = append(w, tens[t])
		}
		if u > 0 && feminine {
			w = append(w, unitsF[u])
		} else if u > 0 {
			w = append(w, unitsM[u])
		}
	}
	return w
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

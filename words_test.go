package torg

import (
	"math"
	"testing"
)

func TestAmountInWords(t *testing.T) {
	cases := []struct {
		name string
		in   Money
		want string
	}{
		{"the issue's example", 351940, "Три тысячи пятьсот девятнадцать рублей 40 копеек"},
		{"zero", 0, "Ноль рублей 00 копеек"},
		{"kopecks only", 5, "Ноль рублей 05 копеек"},
		{"one kopeck", 1, "Ноль рублей 01 копейка"},
		{"twenty-two kopecks", 22, "Ноль рублей 22 копейки"},
		{"eleven kopecks take the genitive plural", 11, "Ноль рублей 11 копеек"},
		{"one rouble", 100, "Один рубль 00 копеек"},
		{"two roubles", 200, "Два рубля 00 копеек"},
		{"five roubles", 500, "Пять рублей 00 копеек"},
		{"eleven to nineteen take the genitive plural", 1100, "Одиннадцать рублей 00 копеек"},
		{"twelve", 1200, "Двенадцать рублей 00 копеек"},
		{"fourteen", 1400, "Четырнадцать рублей 00 копеек"},
		{"nineteen", 1900, "Девятнадцать рублей 00 копеек"},
		{"twenty-one", 2100, "Двадцать один рубль 00 копеек"},
		{"one hundred and eleven", 11100, "Сто одиннадцать рублей 00 копеек"},
		{"one hundred and twelve thousand", 11200000, "Сто двенадцать тысяч рублей 00 копеек"},
		{"a thousand is feminine", 100000, "Одна тысяча рублей 00 копеек"},
		{"two thousand is feminine", 200000, "Две тысячи рублей 00 копеек"},
		{"twenty-one thousand", 2100000, "Двадцать одна тысяча рублей 00 копеек"},
		{"twenty-two thousand", 2200000, "Двадцать две тысячи рублей 00 копеек"},
		{"eleven thousand", 1100000, "Одиннадцать тысяч рублей 00 копеек"},
		{"a million is masculine", 100000000, "Один миллион рублей 00 копеек"},
		{"two million", 200000000, "Два миллиона рублей 00 копеек"},
		{"a million and one", 100000100, "Один миллион один рубль 00 копеек"},
		{"a million with no thousands", 500001200, "Пять миллионов двенадцать рублей 00 копеек"},
		{"hundreds of each group", 99999999999, "Девятьсот девяносто девять миллионов девятьсот девяносто девять тысяч девятьсот девяносто девять рублей 99 копеек"},
		{"a billion", 100000000000, "Один миллиард рублей 00 копеек"},
		{"10¹⁵ kopecks, the largest amount the API takes", 1_000_000_000_000_000, "Десять триллионов рублей 00 копеек"},
		{"10¹⁵ roubles", 100_000_000_000_000_000, "Один квадриллион рублей 00 копеек"},
		{"a negative amount", -351940, "Минус три тысячи пятьсот девятнадцать рублей 40 копеек"},
		{"the largest int64", math.MaxInt64, "Девяносто два квадриллиона двести тридцать три триллиона семьсот двадцать миллиардов триста шестьдесят восемь миллионов пятьсот сорок семь тысяч семьсот пятьдесят восемь рублей 07 копеек"},
		{"the smallest int64", math.MinInt64, "Минус девяносто два квадриллиона двести тридцать три триллиона семьсот двадцать миллиардов триста шестьдесят восемь миллионов пятьсот сорок семь тысяч семьсот пятьдесят восемь рублей 08 копеек"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := AmountInWords(c.in); got != c.want {
				t.Errorf("AmountInWords(%d)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestNumberInWords(t *testing.T) {
	cases := []struct {
		in   int64
		want string
	}{
		{0, "ноль"}, {1, "один"}, {2, "два"}, {12, "двенадцать"}, {1001, "одна тысяча один"}, {2000000, "два миллиона"},
	}
	for _, c := range cases {
		if got := NumberInWords(c.in); got != c.want {
			t.Errorf("NumberInWords(%d) = %q, want %q", c.in, got, c.want)
		}
	}
}

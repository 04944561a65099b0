package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"torg/internal/store/storetest"
)

// benchShop is a warehouse with ten registers that load orders automatically and ten products.
func benchShop(b *testing.B, dialect string) (*testServer, *shop, string) {
	s := startServer(b, dialect)
	sh := &shop{s: s, reg: map[string]string{}, tok: map[string]string{}}
	sh.wh = s.must(201, "POST", "/api/v1/warehouses", `{"code":"BENCH","name":"b"}`)["id"].(string)
	for i := range 10 {
		s.must(201, "POST", "/api/v1/products", fmt.Sprintf(`{"code":"P%d","name":"Товар %d","price":%d}`, i, i, 1000+i*137))
		sh.addRegister(b, fmt.Sprintf("B%d", i), sh.wh, true, true)
	}
	lines := make([]string, 10)
	for i := range lines {
		lines[i] = fmt.Sprintf(`{"product_code":"P%d","quantity":%d.5}`, i, i+1)
	}
	order := fmt.Sprintf(`{"customer_code":"retail","warehouse_id":%q,"status":"agreed","lines":[%s],"fill_registers":true,"post":true}`,
		sh.wh, strings.Join(lines, ","))
	return s, sh, order
}

// BenchmarkOrderIntake creates, fills and posts a 10-line order to 10 registers per operation, over HTTP.
func BenchmarkOrderIntake(b *testing.B) {
	for _, d := range storetest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			s, _, order := benchShop(b, d)
			b.ResetTimer()
			for b.Loop() {
				if r := s.do("POST", "/api/v1/orders", s.admin, order); r.status != 201 {
					b.Fatalf("%d %s", r.status, r.body)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
		})
	}
}

// BenchmarkOrderIntakeParallel is BenchmarkOrderIntake from several clients at once.
func BenchmarkOrderIntakeParallel(b *testing.B) {
	for _, d := range storetest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			s, _, order := benchShop(b, d)
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if r := s.do("POST", "/api/v1/orders", s.admin, order); r.status != 201 {
						b.Errorf("%d %s", r.status, r.body)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
		})
	}
}

// BenchmarkDelivery measures from posting an order to a register's waiting long poll returning it.
func BenchmarkDelivery(b *testing.B) {
	for _, d := range storetest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			s, sh, order := benchShop(b, d)
			after := int64(0)
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				got := make(chan response, 1)
				go func() {
					got <- s.do("GET", fmt.Sprintf("/api/v1/register/packages?after=%d&wait=30", after), sh.tok["B0"], "")
				}()
				time.Sleep(2 * time.Millisecond) // the poll is waiting
				b.StartTimer()
				if r := s.do("POST", "/api/v1/orders", s.admin, order); r.status != 201 {
					b.Fatalf("%d %s", r.status, r.body)
				}
				r := <-got
				var p packages
				if jsonUnmarshal(r.body, &p) != nil || len(p.Packages) == 0 {
					b.Fatalf("%d %s", r.status, r.body)
				}
				after = p.Packages[len(p.Packages)-1].Seq
			}
		})
	}
}

package torg

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// planned summarises a plan's deliveries as "register kind reason #send" strings.
func planned(p Plan) []string {
	var out []string
	for _, d := range p.Deliveries {
		s := d.RegisterID + " " + d.Kind
		if d.Reason != "" {
			s += " " + d.Reason
		}
		if d.Claim != nil {
			s += " by " + d.Claim.RegisterID
		}
		if d.Send > 0 {
			s += " #" + string(rune('0'+d.Send))
		}
		out = append(out, s)
	}
	return out
}

func states(o Order) []string {
	var out []string
	for _, r := range o.Registers {
		out = append(out, r.RegisterID+" "+string(r.State))
	}
	return out
}

// listed is an order at version 2 listed on registers A (not sent), B (has v2), C (has v1, being
// sent), D (withdrawn) and E (sent a deletion).
func listed(status Status, posted bool) Order {
	return Order{ID: "o", Number: "000001", Status: status, Posted: posted, Version: 2, Registers: []OrderRegister{
		{RegisterID: "A", State: DeliveryNotSent},
		{RegisterID: "B", State: DeliveryReceived, SentVersion: 2, Sends: 1},
		{RegisterID: "C", State: DeliverySent, SentVersion: 1, Sends: 1},
		{RegisterID: "D", State: DeliveryWithdrawn, SentVersion: 1, Sends: 2},
		{RegisterID: "E", State: DeliveryWithdrawalSent, SentVersion: 2, Sends: 4},
	}}
}

func TestOfferPlansEachRegister(t *testing.T) {
	claim := &Claim{RegisterID: "B", ExpiresAt: time.Unix(100, 0)}
	for _, c := range []struct {
		name        string
		status      Status
		posted      bool
		deliveries  []string
		states      []string
		reservation Reservation
	}{
		{"an agreed posted order goes to every register without its current version", StatusAgreed, true,
			[]string{"A order.upsert #1", "C order.upsert #2", "D order.upsert #3", "E order.upsert #5"},
			[]string{"A sent", "B received", "C sent", "D sent", "E sent"}, ReservationMade},
		{"an unposted order is withdrawn from its holders", StatusAgreed, false,
			[]string{"B order.delete unposted #2", "C order.delete unposted #2"},
			[]string{"A not_sent", "B withdrawal_sent", "C withdrawal_sent", "D withdrawn", "E withdrawal_sent"}, ReservationEnded},
		{"a new posted order is withdrawn as not agreed", StatusNew, true,
			[]string{"B order.delete not_agreed #2", "C order.delete not_agreed #2"}, nil, ReservationEnded},
		{"a cancelled order is withdrawn as cancelled", StatusCancelled, true,
			[]string{"B order.delete cancelled #2", "C order.delete cancelled #2"}, nil, ReservationEnded},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := listed(c.status, c.posted)
			o.Claim = claim
			p := o.Offer()
			if got := planned(p); !slices.Equal(got, c.deliveries) {
				t.Errorf("deliveries %q, want %q", got, c.deliveries)
			}
			if c.states != nil && !slices.Equal(states(o), c.states) {
				t.Errorf("states %q, want %q", states(o), c.states)
			}
			if p.Reservation != c.reservation {
				t.Errorf("reservation %d, want %d", p.Reservation, c.reservation)
			}
			onOffer := c.status == StatusAgreed && c.posted
			if p.Snapshot != onOffer || p.ClaimChanged == onOffer || (o.Claim == nil) == onOffer {
				t.Errorf("snapshot %v, claim changed %v, claim %v: an order on offer keeps its claim and needs a snapshot", p.Snapshot,
					p.ClaimChanged, o.Claim)
			}
		})
	}
	t.Run("offering again what every register has sends nothing", func(t *testing.T) {
		o := listed(StatusAgreed, true)
		o.Offer()
		if p := o.Offer(); len(p.Deliveries) != 0 || p.Snapshot {
			t.Errorf("second offer planned %q", planned(p))
		}
	})
}

func TestRemoveRegisterPlansADeletionForAHolder(t *testing.T) {
	o := listed(StatusAgreed, true)
	o.Claim = &Claim{RegisterID: "C"}
	p, err := o.RemoveRegister("C")
	if err != nil || !slices.Equal(planned(p), []string{"C order.delete removed #2"}) || !p.ClaimChanged || o.Claim != nil {
		t.Fatalf("remove C: %q %v, claim %v", planned(p), err, o.Claim)
	}
	if p, _ := o.RemoveRegister("D"); len(p.Deliveries) != 0 || p.ClaimChanged {
		t.Errorf("removing a register that does not hold the order planned %q", planned(p))
	}
	if len(o.Registers) != 3 {
		t.Errorf("registers left: %q", states(o))
	}
	if _, err := o.RemoveRegister("Z"); ErrorCode(err) != CodeNotFound {
		t.Errorf("removing an unlisted register: %v", err)
	}
}

func TestClaimsPlanAnnouncementsToTheOtherHolders(t *testing.T) {
	until := time.Unix(1000, 0)
	o := listed(StatusAgreed, true)
	p, err := o.TakeClaim("B", nil, until)
	if err != nil || !slices.Equal(planned(p), []string{"C order.claimed by B"}) || o.Claim == nil || o.Claim.RegisterID != "B" {
		t.Fatalf("claim by B: %q %v", planned(p), err)
	}
	if states(o)[2] != "C sent" {
		t.Errorf("an announcement changed a delivery state: %q", states(o))
	}
	var held *ClaimHeldError
	if _, err := o.TakeClaim("C", nil, until); !errors.As(err, &held) || held.Claim.RegisterID != "B" {
		t.Errorf("claim by C while B holds it: %v", err)
	}
	stale := int64(1)
	if _, err := o.TakeClaim("B", &stale, until); ErrorCode(err) != CodeStaleVersion {
		t.Errorf("claim of an old version: %v", err)
	}
	if _, err := o.TakeClaim("D", nil, until); ErrorCode(err) != CodeWithdrawn {
		t.Errorf("claim by a register that does not hold the order: %v", err)
	}
	if p := o.ReleaseClaim("C"); p.ClaimChanged || len(p.Deliveries) != 0 {
		t.Errorf("releasing another register's claim planned %q", planned(p))
	}
	if p := o.ReleaseClaim("B"); !p.ClaimChanged || !slices.Equal(planned(p), []string{"C order.released"}) || o.Claim != nil {
		t.Errorf("release by B: %q", planned(p))
	}
	o.Claim = &Claim{RegisterID: "B"}
	if p := o.LapseClaim("B"); !slices.Equal(planned(p), []string{"C order.released"}) || o.Claim != nil {
		t.Errorf("lapse: %q", planned(p))
	}
	o.Posted, o.Claim = false, &Claim{RegisterID: "B"}
	if p := o.LapseClaim("B"); len(p.Deliveries) != 0 || !p.ClaimChanged {
		t.Errorf("a lapsed claim on an order no longer offered announced %q", planned(p))
	}
}

func TestSellWithdrawsFromTheOtherRegisters(t *testing.T) {
	o := listed(StatusAgreed, true)
	o.Claim = &Claim{RegisterID: "B"}
	p := o.Sell("B", "t1")
	if !slices.Equal(planned(p), []string{"C order.delete sold #2"}) || o.Status != StatusSold || o.Version != 3 ||
		*o.TransactionID != "t1" || o.Claim != nil || !p.ClaimChanged || p.Reservation != ReservationKept {
		t.Errorf("sell: %q, order %+v", planned(p), o)
	}
	if err := o.OfferedTo("B"); ErrorCode(err) != CodeSold {
		t.Errorf("a sold order offered: %v", err)
	}
}

func TestNumberPackagesCountsOnFromEachRegistersLastSeq(t *testing.T) {
	last := map[string]int64{"A": 7, "B": 0}
	got := NumberPackages(last, []string{"A", "B", "A", "C", "B", "A"})
	if want := []int64{8, 1, 9, 1, 2, 10}; !slices.Equal(got, want) {
		t.Errorf("seqs %v, want %v", got, want)
	}
	if last["A"] != 10 || last["B"] != 2 || last["C"] != 1 {
		t.Errorf("counters after the batch: %v", last)
	}
}

// torg back office: a little plain JavaScript on top of server-rendered pages. Every page works
// without it; it adds tabs, line arithmetic, the product search and live delivery states.
"use strict";
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  confirmButtons();
  forgetPost();
  const form = document.getElementById("order-form");
  if (!form) return;
  tabs(form);
  lines(form);
  live(form);
});

// forgetPost turns a page that answered a POST it cannot redirect (a new secret, shown once) into its
// GET page in the history, so that reloading it shows that page and sends nothing again.
function forgetPost() {
  const page = document.querySelector("[data-leave]");
  if (page) history.replaceState(null, "", page.dataset.leave);
}

// confirmButtons asks before buttons with data-confirm submit.
function confirmButtons() {
  document.addEventListener("click", (e) => {
    const b = e.target.closest("[data-confirm]");
    if (b && !window.confirm(b.dataset.confirm)) e.preventDefault();
  });
}

// tabs shows one panel of the order form at a time; the URL's hash keeps the choice.
function tabs(form) {
  const show = (name) => {
    form.querySelectorAll("[data-tab-panel]").forEach((p) => p.classList.toggle("on", p.dataset.tabPanel === name));
    form.querySelectorAll("[data-tab-for]").forEach((b) => b.classList.toggle("on", b.dataset.tabFor === name));
  };
  form.querySelectorAll("[data-tab-for]").forEach((b) => b.addEventListener("click", () => {
    show(b.dataset.tabFor);
    history.replaceState(null, "", "#" + b.dataset.tabFor);
  }));
  const fromHash = location.hash.slice(1);
  const withError = form.querySelector("[data-tab-panel] .ferr");
  show(withError ? withError.closest("[data-tab-panel]").dataset.tabPanel
    : form.querySelector(`[data-tab-panel="${fromHash}"]`) ? fromHash : form.dataset.tab);
}

// --- money and quantities, exactly, in BigInt integers (kopecks and thousandths) ---

// The server's limits: a quantity up to 10^9 units, money up to 10^15 kopecks. Beyond them the
// preview shows "—" (the server names the field when the form is saved).
const MAX_QTY = 10n ** 12n, MAX_MONEY = 10n ** 15n;

function parseFixed(text, decimals) {
  let s = (text || "").replace(/[\s\u00a0\u202f₽]/g, "");
  if (s === "") return null;
  const last = Math.max(s.lastIndexOf(","), s.lastIndexOf("."));
  let int = s, frac = "";
  if (last >= 0) { int = s.slice(0, last).replace(/[.,]/g, ""); frac = s.slice(last + 1); }
  if (!/^\d*$/.test(int) || !/^\d*$/.test(frac) || frac.length > decimals || (int + frac) === "") return null;
  return BigInt(int || "0") * 10n ** BigInt(decimals) + BigInt((frac + "000").slice(0, decimals) || "0");
}

function formatMoney(kopecks, lang) {
  if (kopecks === null) return "—";
  const neg = kopecks < 0n, k = neg ? -kopecks : kopecks;
  const rub = (k / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, lang === "en" ? "," : "\u00a0");
  return (neg ? "-" : "") + rub + (lang === "en" ? "." : ",") + (k % 100n).toString().padStart(2, "0");
}

// lineAmount is round-half-away-from-zero(quantity × price) − discount, as the server computes it;
// null beyond the limits.
function lineAmount(qty, price, discount) {
  if (qty > MAX_QTY || price > MAX_MONEY || discount > MAX_MONEY) return null;
  const rounded = (qty * price + 500n) / 1000n; // both are not negative: the parser takes no sign
  return rounded > MAX_MONEY ? null : rounded - discount;
}

// vatOf is round(amount × rate / (100 + rate)), half away from zero.
function vatOf(amount, rate) {
  if (!rate || rate === "none" || !/^\d+$/.test(rate) || rate === "0") return 0n;
  const r = BigInt(rate), num = amount * r, den = 100n + r;
  let q = num / den;
  const rem = num % den;
  if (2n * (rem < 0n ? -rem : rem) >= den) q += num < 0n ? -1n : 1n;
  return q;
}

// lines recomputes amounts, VAT and totals as the goods table is edited, adds and removes rows,
// and finds products by code, name or barcode.
function lines(form) {
  const body = form.querySelector("#lines tbody");
  if (!body) return;
  const lang = form.dataset.lang;
  const recalc = () => {
    let total = 0n, vat = 0n, n = 0, beyond = false;
    body.querySelectorAll("tr.line").forEach((tr) => {
      tr.querySelector(".n").textContent = ++n;
      const q = parseFixed(tr.querySelector("input.qty").value, 3);
      const price = parseFixed(tr.querySelector("input.price").value, 2);
      const disc = parseFixed(tr.querySelector("input.discount").value, 2) || 0n;
      const a = tr.querySelector(".amount"), v = tr.querySelector(".vat");
      if (q === null || price === null) { a.textContent = ""; v.textContent = ""; return; }
      const avail = tr.querySelector(".avail");
      if (avail) avail.classList.toggle("short", q > BigInt(avail.dataset.available));
      const amount = lineAmount(q, price, disc);
      if (amount === null) { a.textContent = "—"; v.textContent = "—"; beyond = true; return; }
      const lineVat = vatOf(amount, tr.dataset.vat);
      a.textContent = formatMoney(amount, lang);
      v.textContent = tr.dataset.vat ? formatMoney(lineVat, lang) : "";
      total += amount; vat += lineVat;
    });
    beyond = beyond || total > MAX_MONEY || total < -MAX_MONEY;
    form.querySelector("#order-total").textContent = formatMoney(beyond ? null : total, lang);
    form.querySelector("#order-vat").textContent = formatMoney(beyond ? null : vat, lang);
  };
  const blank = () => {
    const tr = body.querySelector("tr.line:last-child").cloneNode(true);
    tr.querySelectorAll("input").forEach((i) => { i.value = ""; });
    tr.querySelectorAll(".ferr, .suggest, .avail").forEach((e) => e.remove());
    tr.querySelector(".unit").textContent = "";
    tr.dataset.vat = "";
    return tr;
  };
  body.addEventListener("input", (e) => {
    if (e.target.classList.contains("product-input")) {
      e.target.closest("tr").querySelector(".product-id").value = "";
      search(e.target);
    }
    recalc();
  });
  body.addEventListener("click", (e) => {
    if (!e.target.classList.contains("remove-line")) return;
    const tr = e.target.closest("tr");
    if (body.querySelectorAll("tr.line").length > 1) tr.remove(); else tr.replaceWith(blank());
    recalc();
  });
  const add = form.querySelector("#add-line");
  if (add) add.addEventListener("click", () => { const tr = blank(); body.appendChild(tr); tr.querySelector(".product-input").focus(); recalc(); });
  body.addEventListener("keydown", (e) => {
    if (e.target.classList.contains("product-input")) suggestKeys(e, choose);
  });
  // Enter in the goods table never submits the form: the form's first button is «Провести».
  body.addEventListener("keypress", (e) => {
    if (e.key === "Enter" && e.target.matches("input")) e.preventDefault();
  });
  body.addEventListener("focusout", (e) => {
    if (e.target.classList.contains("product-input")) closeSuggest(e.target);
  });
  const choose = (input, p) => {
    const tr = input.closest("tr");
    input.value = p.code + " " + p.name;
    tr.querySelector(".product-id").value = p.id;
    tr.querySelector(".unit").textContent = p.unit;
    tr.dataset.vat = p.vat_rate;
    const price = tr.querySelector("input.price");
    if (!price.value) price.value = p.price;
    const q = tr.querySelector("input.qty");
    if (!q.value) q.value = "1";
    showAvailable(q, p, form.dataset.availableLabel);
    closeSuggest(input);
    if (tr === body.querySelector("tr.line:last-child")) body.appendChild(blank());
    q.focus(); q.select();
    recalc();
  };
  let timer = null;
  const search = (input) => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 1) { closeSuggest(input); return; }
    timer = setTimeout(async () => {
      const wh = form.querySelector("#warehouse"), params = new URLSearchParams({ q });
      if (wh && wh.value) params.set("warehouse", wh.value);
      if (form.dataset.order) params.set("order", form.dataset.order);
      const r = await fetch("/products/find?" + params, { headers: { Accept: "application/json" } });
      if (!r.ok || input.value.trim() !== q || document.activeElement !== input) return;
      showSuggest(input, await r.json(), choose, form.dataset.availableLabel);
    }, 150);
  };
  document.addEventListener("click", (e) => {
    if (!e.target.closest(".suggest")) body.querySelectorAll(".suggest").forEach((s) => s.remove());
  });
}

// suggestKeys works the suggestion list from the keyboard: arrows move the highlight, Enter takes the
// highlighted (or first) product, Tab takes the highlighted one or leaves the list alone, Esc closes it.
function suggestKeys(e, choose) {
  const input = e.target, box = input.parentElement.querySelector(".suggest");
  const items = box ? [...box.querySelectorAll("button")] : [];
  const at = items.findIndex((b) => b.classList.contains("on"));
  const mark = (i) => {
    items.forEach((b, j) => b.classList.toggle("on", j === i));
    input.setAttribute("aria-activedescendant", items[i].id);
    items[i].scrollIntoView({ block: "nearest" });
  };
  switch (e.key) {
    case "ArrowDown":
    case "ArrowUp":
      if (!items.length) return;
      e.preventDefault();
      if (e.key === "ArrowDown") mark(at < 0 ? 0 : (at + 1) % items.length);
      else mark(at <= 0 ? items.length - 1 : at - 1);
      break;
    case "Enter":
      e.preventDefault();
      if (items.length) items[Math.max(at, 0)].click();
      break;
    case "Tab": {
      // the highlighted product, or the one whose code was typed in full, is taken on the way out
      const code = input.value.trim().toLowerCase();
      const take = at >= 0 ? at : items.findIndex((b) => b.dataset.code.toLowerCase() === code);
      if (take >= 0 && !e.shiftKey) { e.preventDefault(); items[take].click(); } else closeSuggest(input);
      break;
    }
    case "Escape":
      if (box) { e.preventDefault(); closeSuggest(input); }
      break;
  }
}

function closeSuggest(input) {
  const s = input.parentElement.querySelector(".suggest");
  if (s) s.remove();
  input.setAttribute("aria-expanded", "false");
  input.removeAttribute("aria-activedescendant");
}

// showAvailable puts the chosen product's free stock under the quantity (when the search knew the
// warehouse); recalc marks it short when the line asks for more.
function showAvailable(qty, p, label) {
  const old = qty.parentElement.querySelector(".avail");
  if (old) old.remove();
  if (p.available_qty === undefined) return;
  const div = document.createElement("div");
  div.className = "avail";
  div.dataset.available = p.available_qty;
  div.textContent = label + " " + p.available;
  qty.insertAdjacentElement("afterend", div);
}

let suggestSeq = 0;

// showSuggest opens the list of products under the input. Its entries take no focus: the input keeps
// it, so typing and Tab go on as if the list were not there.
function showSuggest(input, products, choose, availableLabel) {
  closeSuggest(input);
  if (!products.length) return;
  const box = document.createElement("div");
  box.className = "suggest";
  box.setAttribute("role", "listbox");
  box.addEventListener("mousedown", (e) => e.preventDefault());
  products.forEach((p) => {
    const b = document.createElement("button");
    b.type = "button";
    b.tabIndex = -1;
    b.id = "suggest-" + ++suggestSeq;
    b.setAttribute("role", "option");
    b.dataset.code = p.code;
    const name = document.createElement("span");
    name.textContent = p.code + " · " + p.name;
    const price = document.createElement("span");
    price.className = "s-price";
    price.textContent = p.price;
    b.append(name, price);
    if (p.available !== undefined) {
      const avail = document.createElement("span");
      avail.className = "s-avail" + (p.available_qty <= 0 ? " short" : "");
      avail.textContent = availableLabel + " " + p.available;
      b.append(avail);
    }
    b.addEventListener("click", (e) => { e.stopPropagation(); choose(input, p); });
    box.appendChild(b);
  });
  input.insertAdjacentElement("afterend", box);
  input.setAttribute("aria-expanded", "true");
}

// live follows the order's delivery states through server-sent events.
function live(form) {
  const url = form.dataset.live;
  if (!url || !window.EventSource) return;
  let version = null, status = null;
  const es = new EventSource(url);
  es.addEventListener("order", (e) => {
    const st = JSON.parse(e.data);
    st.registers.forEach((r) => {
      const badge = form.querySelector(`[data-register-state="${r.id}"]`);
      if (badge && badge.dataset.state !== r.state) {
        badge.dataset.state = r.state;
        badge.className = "badge ds-" + r.state + " flash-change";
        badge.textContent = r.label;
      }
      const claim = form.querySelector(`[data-register-claim="${r.id}"]`);
      if (claim) claim.hidden = !r.claim;
    });
    if (version !== null && (st.version !== version || st.status !== status)) {
      document.getElementById("live-note").hidden = false;
    }
    version = st.version; status = st.status;
  });
  window.addEventListener("pagehide", () => es.close());
}

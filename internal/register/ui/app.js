// The cashier screen: orders this register holds, «Подобрать чек», payment, close. It asks the local
// agent (this page's own server) once a second, so an order sold elsewhere disappears by itself.
"use strict";

const T = {
  ru: {
    register: "Касса", shift: "Смена", outbox: "Не отправлено", closeShift: "Закрыть смену (Z-отчёт)",
    orders: "Заказы покупателей", number: "Номер", customer: "Покупатель", total: "Сумма", state: "Состояние",
    noOrders: "Заказов нет. Согласованные заказы появятся здесь сами.", order: "Заказ покупателя", product: "Товар",
    qty: "Кол-во", price: "Цена", discount: "Скидка", amount: "Сумма", pick: "Подобрать чек", receipt: "Чек по заказу",
    due: "К оплате", cash: "Наличные", card: "Карта", allCash: "Всё наличными (F6)", allCard: "Всё картой (F7)",
    change: "Сдача", stillDue: "Осталось", cancel: "Отменить чек (Esc)", close: "Закрыть чек (Enter)", closed: "Чек закрыт",
    changeDue: "Сдача", zreport: "Z-отчёт", online: "Связь есть", offline: "Нет связи с бэк-офисом",
    available: "Доступен", picked: "Подобран", receiptNo: "Смена {s}, чек № {r}", gone: "Заказ {n} больше не на этой кассе (продан или снят).",
    noConnection: "Нет связи с бэк-офисом: подобрать заказ сейчас нельзя.", zShift: "Смена", zReceipts: "Чеков",
    zCash: "Наличными", zCard: "Картой", zTotal: "Всего", badAmount: "Введите сумму, например 500 или 500,50",
    rejected: "Бэк-офис отклонил чеков: {n}. Они сохранены на кассе и ждут администратора. Последний:",
  },
  en: {
    register: "Register", shift: "Shift", outbox: "Not uploaded", closeShift: "Close shift (Z report)",
    orders: "Customer orders", number: "Number", customer: "Customer", total: "Total", state: "State",
    noOrders: "No orders. Agreed orders appear here by themselves.", order: "Customer order", product: "Product",
    qty: "Qty", price: "Price", discount: "Discount", amount: "Amount", pick: "Pick receipt", receipt: "Receipt for order",
    due: "Due", cash: "Cash", card: "Card", allCash: "All cash (F6)", allCard: "All card (F7)",
    change: "Change", stillDue: "Still due", cancel: "Cancel receipt (Esc)", close: "Close receipt (Enter)", closed: "Receipt closed",
    changeDue: "Change", zreport: "Z report", online: "Online", offline: "No connection to the back office",
    available: "Available", picked: "Picked", receiptNo: "Shift {s}, receipt no. {r}", gone: "Order {n} is no longer at this register (sold or withdrawn).",
    noConnection: "No connection to the back office: the order cannot be picked now.", zShift: "Shift", zReceipts: "Receipts",
    zCash: "Cash", zCard: "Card", zTotal: "Total", badAmount: "Enter an amount such as 500 or 500.50",
    rejected: "The back office refused {n} receipt(s). They are kept at this register for an administrator. The latest:",
  },
};

let lang = localStorage.getItem("torg-lang") || "ru";
let orders = [];
let selected = null;
let receipt = null;
const $ = (id) => document.getElementById(id);
const t = (key, vars = {}) => (T[lang][key] || key).replace(/\{(\w+)\}/g, (_, k) => vars[k]);

// money formats kopecks as roubles: 1 234,50 in Russian, 1,234.50 in English.
function money(k) {
  const neg = k < 0, a = Math.abs(k), r = Math.floor(a / 100), c = String(a % 100).padStart(2, "0");
  const g = String(r).replace(/\B(?=(\d{3})+(?!\d))/g, lang === "ru" ? "\u00a0" : ",");
  return (neg ? "−" : "") + g + (lang === "ru" ? "," : ".") + c;
}

// kopecks reads "500", "500,5" or "500.50" exactly, without floating point; null when it is not money.
function kopecks(s) {
  s = s.trim().replace(/\s/g, "").replace(",", ".");
  if (s === "") return 0;
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || "0").padEnd(2, "0"));
}

function qty(q) { return String(q).replace(".", lang === "ru" ? "," : "."); }

function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  $("lang").textContent = lang === "ru" ? "EN" : "RU";
  render();
}

function say(text, kind = "error") {
  const m = $("message");
  m.textContent = text;
  m.className = "message " + (kind === "info" ? "info" : "");
  m.hidden = false;
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { m.hidden = true; }, 8000);
}

async function api(method, path, body) {
  // Every call that changes something says it is JSON, a body or not: the agent refuses any other.
  // The screen's language tells the agent which language to answer its problems in.
  const headers = method === "GET" ? { "Accept-Language": lang } : { "Content-Type": "application/json", "Accept-Language": lang };
  const resp = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const data = resp.status === 204 ? null : await resp.json().catch(() => null);
  if (!resp.ok) throw Object.assign(new Error((data && data.detail) || resp.statusText), { status: resp.status, data });
  return data;
}

async function refresh() {
  try {
    const [st, list] = await Promise.all([api("GET", "/api/status"), api("GET", "/api/orders")]);
    $("server").dataset.state = st.server;
    $("server-text").textContent = t(st.server);
    $("shift").textContent = st.shift_number ? st.shift_number + (st.shift_open ? "" : " ✓") : "—";
    $("outbox").textContent = st.outbox;
    showRejections(st);
    const before = selected && orders.find((o) => o.id === selected);
    orders = list.items;
    if (!selected && !receipt && orders.length) selected = orders[0].id;
    if (before && !orders.find((o) => o.id === selected) && !receipt) {
      say(t("gone", { n: before.number }), "info");
      selected = null;
    }
    render();
  } catch (e) {
    $("server").dataset.state = "offline";
  }
}

// showRejections keeps the uploads the back office refused in sight, with its reason for the latest.
function showRejections(st) {
  const last = (st.rejections || [])[0];
  $("rejections").hidden = !st.rejected;
  if (!st.rejected || !last) return;
  const p = last.problem || {};
  const fields = (p.errors || []).map((e) => `${e.field}: ${e.message}`).join("; ");
  $("rejections").textContent = `${t("rejected", { n: st.rejected })} ${t("receiptNo", { s: last.shift_number, r: last.receipt_number })} — ` +
    `${p.detail || p.title || p.status}${fields ? " (" + fields + ")" : ""}`;
}

function render() {
  const rows = $("order-rows");
  rows.replaceChildren(...orders.map((o) => {
    const tr = document.createElement("tr");
    tr.dataset.id = o.id;
    tr.className = o.id === selected ? "selected" : "";
    tr.innerHTML = `<td></td><td></td><td class="num"></td><td><span class="badge ${o.state}"></span></td>`;
    tr.children[0].textContent = o.number;
    tr.children[1].textContent = o.customer.name;
    tr.children[2].textContent = money(o.total);
    tr.querySelector(".badge").textContent = t(o.state);
    tr.onclick = () => { selected = o.id; render(); };
    tr.ondblclick = () => pick();
    return tr;
  }));
  $("no-orders").hidden = orders.length > 0;
  const o = orders.find((x) => x.id === selected);
  $("detail").hidden = !o;
  if (!o) return;
  $("d-number").textContent = o.number;
  $("d-customer").textContent = o.customer.name;
  $("d-lines").replaceChildren(...o.lines.map((l) => line([l.line_no, `${l.name} (${l.product_code})`, qty(l.quantity) + " " + l.unit, money(l.price), money(l.discount), money(l.amount)])));
  $("d-total").textContent = money(o.total);
}

function line(cells) {
  const tr = document.createElement("tr");
  cells.forEach((c, i) => { const td = document.createElement("td"); td.textContent = c; if (i >= cells.length - 3 || i === 2) td.className = "num"; tr.append(td); });
  return tr;
}

async function pick() {
  if (!selected) return;
  try {
    const { receipt: r } = await api("POST", `/api/orders/${selected}/pick`);
    openReceipt(r);
  } catch (e) {
    say(e.status === 503 ? t("noConnection") : e.message);
    refresh();
  }
}

function openReceipt(r) {
  receipt = r;
  $("r-number").textContent = r.order_number;
  $("r-lines").replaceChildren(...r.lines.map((l) => line([l.name, qty(l.quantity), money(l.price), money(l.amount)])));
  $("r-total").textContent = money(r.total);
  $("cash").value = ""; $("card").value = "";
  $("pay-error").hidden = true;
  updateChange();
  $("receipt").showModal();
  $("cash").focus();
}

function payments() {
  const cash = kopecks($("cash").value), card = kopecks($("card").value);
  if (cash === null || card === null) return null;
  return { cash, card };
}

function updateChange() {
  const p = payments();
  if (!p || !receipt) { $("change").textContent = "—"; return; }
  const rest = p.cash + p.card - receipt.total;
  $("change-label").textContent = rest >= 0 ? t("change") : t("stillDue");
  $("change").textContent = money(Math.abs(rest));
  $("close-receipt").disabled = rest < 0 || p.card > receipt.total;
}

async function closeReceipt(ev) {
  ev.preventDefault();
  const p = payments();
  if (!p) { showPayError(t("badAmount")); return; }
  const pays = [];
  if (p.cash > 0) pays.push({ type: "cash", amount: p.cash });
  if (p.card > 0) pays.push({ type: "card", amount: p.card });
  try {
    const done = await api("POST", `/api/receipts/${receipt.id}/close`, { payments: pays });
    $("receipt").close();
    receipt = null; selected = null;
    $("done-change").textContent = money(done.change);
    $("done-numbers").textContent = t("receiptNo", { s: done.shift_number, r: done.receipt_number });
    $("done").showModal();
    refresh();
  } catch (e) {
    showPayError(e.message);
  }
}

function showPayError(text) { $("pay-error").textContent = text; $("pay-error").hidden = false; }

async function cancelReceipt() {
  if (!receipt) return;
  const id = receipt.id;
  receipt = null;
  $("receipt").close();
  await api("DELETE", `/api/receipts/${id}`).catch((e) => say(e.message));
  refresh();
}

async function closeShift() {
  try {
    const z = await api("POST", "/api/shift/close");
    $("z-body").innerHTML = "";
    for (const [k, v] of [["zShift", z.shift_number], ["zReceipts", z.receipts], ["zCash", money(z.cash)], ["zCard", money(z.card)], ["zTotal", money(z.total)]]) {
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = t(k); dd.textContent = v;
      $("z-body").append(dt, dd);
    }
    $("z").showModal();
    refresh();
  } catch (e) { say(e.message); }
}

$("pick").onclick = pick;
$("pay-form").onsubmit = closeReceipt;
$("cash").oninput = updateChange;
$("card").oninput = updateChange;
$("all-cash").onclick = () => { $("cash").value = money(receipt.total).replace(/\s/g, ""); $("card").value = ""; updateChange(); $("cash").focus(); };
$("all-card").onclick = () => { $("card").value = money(receipt.total).replace(/\s/g, ""); $("cash").value = ""; updateChange(); $("card").focus(); };
$("cancel-receipt").onclick = cancelReceipt;
$("receipt").addEventListener("cancel", (e) => { e.preventDefault(); cancelReceipt(); });
$("zreport").onclick = closeShift;
$("lang").onclick = () => { lang = lang === "ru" ? "en" : "ru"; localStorage.setItem("torg-lang", lang); applyLang(); };
document.addEventListener("keydown", (e) => {
  if ($("receipt").open) {
    if (e.key === "F6") { e.preventDefault(); $("all-cash").click(); }
    if (e.key === "F7") { e.preventDefault(); $("all-card").click(); }
    return;
  }
  if (document.querySelector("dialog[open]")) return;
  const i = orders.findIndex((o) => o.id === selected);
  if (e.key === "ArrowDown" && orders.length) { selected = orders[Math.min(i + 1, orders.length - 1)].id; render(); e.preventDefault(); }
  if (e.key === "ArrowUp" && orders.length) { selected = orders[Math.max(i - 1, 0)].id; render(); e.preventDefault(); }
  if (e.key === "Enter" && selected) { e.preventDefault(); pick(); }
});

applyLang();
refresh();
setInterval(refresh, 1000);

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
    changeDue: "Сдача", zreport: "Z-отчёт", xreport: "X-отчёт", xTitle: "X-отчёт: смена {s} на {time}, не закрыта", online: "Связь есть", offline: "Нет связи с бэк-офисом",
    searchHint: "Номер, покупатель или телефон (F2)", noMatch: "Ничего не найдено.",
    changeQty: "Изменить количество", removeLine: "Удалить строку", badQty: "Количество: число, не больше трёх знаков после запятой.",
    available: "Доступен", picked: "Подобран", taken: "Подобран на {r}", takenNote: "Заказ продаётся на {r} до {time}: подобрать его здесь нельзя, пока там открыт чек.", receiptNo: "Смена {s}, чек № {r}", gone: "Заказ {n} больше не на этой кассе (продан или снят).",
    noConnection: "Нет связи с бэк-офисом: подобрать заказ сейчас нельзя.", zShift: "Смена", zReceipts: "Чеков",
    zCash: "Наличными", zCard: "Картой", zTotal: "Всего", zSales: "Продажи", title: "torg — касса", language: "Язык", lineNo: "№",
    cashier: "Кассир", comment: "Комментарий", zero: "0,00",
    badCash: "Наличные: введите сумму, например 500 или 1 500,50.", badCard: "Карта: введите сумму, например 500 или 1 500,50.",
    cardOver: "Картой можно оплатить не больше {due}: сдачу даёт только оплата наличными.",
    confirmZ: "Закрыть смену?", confirmZText: "Смена {s} будет закрыта, касса напечатает Z-отчёт. Отменить это нельзя.",
    pickClaimed: "Заказ {n} сейчас продают на другой кассе: его нельзя подобрать, пока там открыт чек.",
    pickSold: "Заказ {n} уже продан.", pickWithdrawn: "Заказ {n} снят с этой кассы.",
    pickChanged: "Заказ {n} изменился и обновляется: подберите чек ещё раз.", pickMissing: "Заказа {n} на этой кассе нет.",
    confirmZYes: "Закрыть смену (Enter)", confirmZNo: "Не закрывать (Esc)", noShift: "Смена не открыта: она откроется с первой продажей.",
    rejected: "Бэк-офис отклонил чеков: {n}. Они сохранены на кассе и ждут администратора. Последний:",
    returnBtn: "Возврат (F8)", cashInBtn: "Внесение", cashOutBtn: "Выемка", cashIn: "Внесение наличных", cashOut: "Выемка наличных",
    counterpart: "Откуда / куда", cmCancel: "Отмена (Esc)", cmIn: "Внести", cmOut: "Выдать", drawer: "В денежном ящике по данным кассы: {sum}",
    badAmount: "Сумма: введите сумму больше нуля, например 500 или 1 500,50.", cmDone: "{what}: {sum}. Смена {s}, документ № {r}.",
    returnTitle: "Возврат прихода", findSale: "Чек продажи", findSaleHint: "№ чека, ФН и ФД или строка QR-кода", find: "Найти",
    left: "Можно вернуть", refundDue: "К возврату", refundCash: "Всё наличными", refundCard: "Всё на карту", refundBtn: "Вернуть (Enter)",
    saleTitle: "Продажа: смена {s}, чек № {r}, {sum}", refundMismatch: "Возврат должен быть ровно {due}: наличные и карта вместе.",
    refundDone: "Возврат {sum}: смена {s}, чек № {r}.", zReturns: "Возвраты", zReturnsCash: "Возвраты наличными", zCashIn: "Внесения",
    zCashOut: "Выемки", zExpected: "Наличных в ящике",
  },
  en: {
    register: "Register", shift: "Shift", outbox: "Not uploaded", closeShift: "Close shift (Z report)",
    orders: "Customer orders", number: "Number", customer: "Customer", total: "Total", state: "State",
    noOrders: "No orders. Agreed orders appear here by themselves.", order: "Customer order", product: "Product",
    qty: "Qty", price: "Price", discount: "Discount", amount: "Amount", pick: "Pick receipt", receipt: "Receipt for order",
    due: "Due", cash: "Cash", card: "Card", allCash: "All cash (F6)", allCard: "All card (F7)",
    change: "Change", stillDue: "Still due", cancel: "Cancel receipt (Esc)", close: "Close receipt (Enter)", closed: "Receipt closed",
    changeDue: "Change", zreport: "Z report", xreport: "X report", xTitle: "X report: shift {s} at {time}, still open", online: "Online", offline: "No connection to the back office",
    searchHint: "Number, customer or phone (F2)", noMatch: "Nothing found.",
    changeQty: "Change quantity", removeLine: "Remove line", badQty: "Quantity: a number with at most three decimals.",
    available: "Available", picked: "Picked", taken: "Taken at {r}", takenNote: "Order is being sold at {r} until {time}: it cannot be picked here while a receipt is open there.", receiptNo: "Shift {s}, receipt no. {r}", gone: "Order {n} is no longer at this register (sold or withdrawn).",
    noConnection: "No connection to the back office: the order cannot be picked now.", zShift: "Shift", zReceipts: "Receipts",
    zCash: "Cash", zCard: "Card", zTotal: "Total", zSales: "Sales", title: "torg — register", language: "Language", lineNo: "#",
    cashier: "Cashier", comment: "Comment", zero: "0.00",
    badCash: "Cash: enter an amount such as 500 or 1,500.50.", badCard: "Card: enter an amount such as 500 or 1,500.50.",
    cardOver: "A card can pay at most {due}: only cash gives change.",
    confirmZ: "Close the shift?", confirmZText: "Shift {s} will be closed and the Z report printed. This cannot be undone.",
    pickClaimed: "Order {n} is being sold at another register right now: it cannot be picked while a receipt is open there.",
    pickSold: "Order {n} is already sold.", pickWithdrawn: "Order {n} is no longer offered to this register.",
    pickChanged: "Order {n} has changed and is being updated: pick it again.", pickMissing: "Order {n} is not at this register.",
    confirmZYes: "Close shift (Enter)", confirmZNo: "Keep it open (Esc)", noShift: "No shift is open: a shift opens with its first sale.",
    rejected: "The back office refused {n} receipt(s). They are kept at this register for an administrator. The latest:",
    returnBtn: "Return (F8)", cashInBtn: "Cash in", cashOutBtn: "Cash out", cashIn: "Cash in", cashOut: "Cash out",
    counterpart: "From / to", cmCancel: "Cancel (Esc)", cmIn: "Put in", cmOut: "Take out", drawer: "In the drawer, by this register: {sum}",
    badAmount: "Amount: enter an amount above zero such as 500 or 1,500.50.", cmDone: "{what}: {sum}. Shift {s}, document no. {r}.",
    returnTitle: "Sale return", findSale: "Sale receipt", findSaleHint: "Receipt no., FN and FD, or the QR string", find: "Find",
    left: "Returnable", refundDue: "To refund", refundCash: "All in cash", refundCard: "All to card", refundBtn: "Refund (Enter)",
    saleTitle: "Sale: shift {s}, receipt no. {r}, {sum}", refundMismatch: "The refund must be exactly {due}: cash and card together.",
    refundDone: "Refunded {sum}: shift {s}, receipt no. {r}.", zReturns: "Returns", zReturnsCash: "Returns in cash", zCashIn: "Cash in",
    zCashOut: "Cash out", zExpected: "Cash in the drawer",
  },
};

let lang = localStorage.getItem("torg-lang") || "ru";
let orders = [];
let selected = null;
let query = ""; // what the cashier typed or scanned into the search field
let receipt = null;
let status = null; // the agent's last /api/status, null while it does not answer
let zreport = null; // the last Z-report shown
const $ = (id) => document.getElementById(id);
const t = (key, vars = {}) => (T[lang][key] || key).replace(/\{(\w+)\}/g, (_, k) => vars[k]);

// formatMoney writes kopecks as roubles, grouped as the language does: 1 234,50 (with no-break spaces)
// in Russian, 1,234.50 in English. Only integer digits are handled: no floating point touches money.
function formatMoney(k, lg = lang) {
  const digits = String(Math.abs(k)).padStart(3, "0");
  const roubles = digits.slice(0, -2).replace(/\B(?=(\d{3})+$)/g, lg === "ru" ? "\u00a0" : ",");
  return (k < 0 ? "−" : "") + roubles + (lg === "ru" ? "," : ".") + digits.slice(-2);
}

// parseMoney reads what a cashier typed as kopecks, exactly; "" is 0 and anything else that is not
// plainly an amount in the language is null. Groups of three digits may be split by spaces (also
// no-break and narrow no-break ones) and, in English, by commas; the decimal part has one or two
// digits after "," in Russian ("." is taken too: Russian never groups with it) or "." in English.
// So "1,234" is 1234 in English and refused in Russian, and "500,50" is refused in English.
function parseMoney(text, lg = lang) {
  const s = String(text).trim();
  if (s === "") return 0;
  const group = lg === "ru" ? "\\s" : "[\\s,]", decimal = lg === "ru" ? "[,.]" : "\\.";
  const m = new RegExp(`^(\\d{1,3}(?:${group}\\d{3})+|\\d+)(?:${decimal}(\\d{1,2}))?$`).exec(s);
  if (!m) return null;
  const roubles = m[1].replace(/\D/g, "");
  if (roubles.length > 13) return null; // the register's limit: 10¹⁵ kopecks
  return Number(roubles + (m[2] || "").padEnd(2, "0")); // a string of at most 15 digits: exact
}

// clock is a time as the screen's language writes the hour and minute, in the till's time zone.
function clock(iso) { return new Date(iso).toLocaleTimeString(lang === "ru" ? "ru-RU" : "en-GB", { hour: "2-digit", minute: "2-digit" }); }

function qty(q) { return String(q).replace(".", lang === "ru" ? "," : "."); }

// applyLang writes every text of the screen in the current language.
function applyLang() {
  document.documentElement.lang = lang;
  document.title = t("title");
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  document.querySelectorAll("[data-t-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.tPlaceholder); });
  $("lang").textContent = lang === "ru" ? "EN" : "RU";
  $("lang").title = t("language");
  renderStatus();
  render();
  if (receipt) { fillReceipt(); updateChange(); }
  if (zreport) renderZ();
}

// switchLang changes the language, rewriting amounts already typed in the new one's notation.
function switchLang() {
  const typed = ["cash", "card"].map((id) => [id, parseMoney($(id).value)]);
  lang = lang === "ru" ? "en" : "ru";
  localStorage.setItem("torg-lang", lang);
  for (const [id, k] of typed) if (k !== null && $(id).value.trim() !== "") $(id).value = formatMoney(k);
  applyLang();
}

function say(text, kind = "error") {
  const m = $("message");
  m.textContent = text;
  m.className = "message " + (kind === "info" ? "info" : "");
  m.hidden = false;
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { m.hidden = true; }, 8000);
}

// api calls the agent; every call that changes something says it speaks JSON, with a body or not.
async function api(method, path, body) {
  // The screen's language tells the agent which language to answer its problems in.
  const headers = method === "GET" ? { "Accept-Language": lang } : { "Content-Type": "application/json", "Accept-Language": lang };
  const resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = resp.status === 204 ? null : await resp.json().catch(() => null);
  if (!resp.ok) throw Object.assign(new Error((data && data.detail) || resp.statusText), { status: resp.status, data });
  return data;
}

async function refresh() {
  try {
    const [st, list] = await Promise.all([api("GET", "/api/status"), api("GET", "/api/orders")]);
    status = st;
    const before = selected && orders.find((o) => o.id === selected);
    orders = list.items;
    if (!selected && !receipt && orders.length) selected = orders[0].id;
    if (before && !orders.find((o) => o.id === selected) && !receipt) {
      say(t("gone", { n: before.number }), "info");
      selected = null;
    }
    render();
  } catch (e) {
    status = null;
  }
  renderStatus();
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

// renderStatus shows the connection, shift, outbox and cashier in the header.
function renderStatus() {
  const server = status ? status.server : "offline";
  $("server").dataset.state = server;
  $("server-text").textContent = t(server);
  if (!status) return;
  $("shift").textContent = status.shift_number ? status.shift_number + (status.shift_open ? "" : " ✓") : "—";
  $("outbox").textContent = status.outbox;
  $("cashier").textContent = status.cashier || "—";
  showRejections(status);
}

// render shows the orders and the selected one. It rebuilds them only when something shown changed,
// so a row under the cashier's pointer is not replaced every second.
function render() {
  const key = JSON.stringify([lang, selected, orders, query]);
  if (key === render.shown) return;
  render.shown = key;
  const rows = $("order-rows");
  const shown = orders.filter(matches);
  rows.replaceChildren(...shown.map((o) => {
    const tr = document.createElement("tr");
    tr.dataset.id = o.id;
    tr.className = o.id === selected ? "selected" : "";
    tr.innerHTML = `<td class="no"></td><td class="name"></td><td class="num total"></td><td class="state"><span class="badge ${o.state}"></span></td>`;
    tr.children[0].textContent = o.number;
    tr.children[1].textContent = o.customer.name;
    tr.children[2].textContent = formatMoney(o.total);
    tr.querySelector(".badge").textContent = t(o.state, { r: o.taken_by });
    tr.onclick = () => { selected = o.id; render(); };
    tr.ondblclick = () => pick();
    return tr;
  }));
  $("no-orders").hidden = orders.length > 0;
  $("no-match").hidden = !orders.length || shown.length > 0;
  const o = orders.find((x) => x.id === selected);
  $("detail").hidden = !o;
  if (!o) return;
  $("d-number").textContent = o.number;
  $("d-customer").textContent = o.customer.phone ? `${o.customer.name} · ${o.customer.phone}` : o.customer.name;
  $("d-comment").textContent = o.comment || "";
  $("d-comment-row").hidden = !o.comment;
  const taken = o.state === "taken";
  $("pick").hidden = taken;
  $("d-taken").hidden = !taken;
  if (taken) $("d-taken").textContent = t("takenNote", { r: o.taken_by, time: clock(o.taken_until) });
  $("d-lines").replaceChildren(...o.lines.map((l) => line([l.line_no, `${l.name} (${l.product_code})`, qty(l.quantity) + " " + l.unit, formatMoney(l.price), formatMoney(l.discount), formatMoney(l.amount)])));
  $("d-total").textContent = formatMoney(o.total);
}

// matches tells whether the order answers the search: its number (as typed or scanned from the
// order's barcode, with or without its leading zeros), its customer's name, or the digits of the
// customer's phone.
function matches(o) {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const digits = q.replace(/\D/g, "");
  if (/^[\d\s()+-]+$/.test(q) && digits) {
    const phone = (o.customer.phone || "").replace(/\D/g, "");
    return o.number.includes(digits) || String(Number(o.number)) === digits.replace(/^0+/, "") || (digits.length >= 3 && phone.includes(digits));
  }
  return o.number.toLowerCase().includes(q) || o.customer.name.toLowerCase().includes(q);
}

// searchEnter selects the order the search found: the one whose number is exactly what was typed or
// scanned, else the only one left; the search field then gives the keyboard back, so Enter picks it.
function searchEnter() {
  const shown = orders.filter(matches);
  const digits = query.replace(/\D/g, "").replace(/^0+/, "");
  const exact = shown.find((o) => digits && o.number.replace(/^0+/, "") === digits);
  const found = exact || (shown.length === 1 ? shown[0] : null);
  if (!found) return say(t("noMatch"));
  selected = found.id;
  $("search").blur();
  render();
}

function line(cells) {
  const tr = document.createElement("tr");
  cells.forEach((c, i) => { const td = document.createElement("td"); td.textContent = c; if (i >= cells.length - 3 || i === 2) td.className = "num"; tr.append(td); });
  return tr;
}

async function pick() {
  if (!selected) return;
  const chosen = orders.find((x) => x.id === selected);
  if (chosen && chosen.state === "taken") return say(t("takenNote", { r: chosen.taken_by, time: clock(chosen.taken_until) }));
  try {
    const { receipt: r } = await api("POST", `/api/orders/${selected}/pick`);
    openReceipt(r);
  } catch (e) {
    const o = orders.find((x) => x.id === selected);
    say(refusal(e, o ? o.number : ""));
    if (e.status === 409 && o && ["sold", "withdrawn"].includes(slug(e))) selected = null; // it leaves the list: the reason is said
    refresh();
  }
}

// slug is the kind of problem the agent answered, the last part of its type.
function slug(e) { return e.data && e.data.type ? e.data.type.slice(e.data.type.lastIndexOf("/") + 1) : ""; }

// refusal says, in the screen's language, why the agent did not give the order.
function refusal(e, number) {
  if (e.status === 503) return t("noConnection");
  // The back office's own account of a claim names the register and the claim's end; the agent has
  // put it in the screen's language when it knows the text (then the problem carries its code).
  if (slug(e) === "claimed" && e.data && e.data.code === "claimed") return e.message;
  const key = { claimed: "pickClaimed", sold: "pickSold", withdrawn: "pickWithdrawn", "stale-version": "pickChanged", "not-found": "pickMissing" }[slug(e)];
  return key ? t(key, { n: number }) : e.message;
}

function openReceipt(r) {
  receipt = r;
  const o = orders.find((x) => x.id === r.order_id);
  receipt.comment = o ? o.comment : "";
  fillReceipt();
  $("cash").value = ""; $("card").value = "";
  updateChange();
  $("receipt").showModal();
  $("cash").focus();
}

// fillReceipt writes the open receipt's lines and total.
function fillReceipt() {
  $("r-number").textContent = receipt.order_number;
  $("r-comment").textContent = receipt.comment || "";
  $("r-comment-row").hidden = !receipt.comment;
  $("r-lines").replaceChildren(...receipt.lines.map(receiptLine));
  $("r-total").textContent = formatMoney(receipt.total);
}

// receiptLine is a line of the open receipt: its quantity can be lowered («Изменить количество»,
// Enter applies it) and the line removed («Удалить строку»); the discount follows the quantity.
function receiptLine(l) {
  const tr = line([l.name, "", formatMoney(l.price), formatMoney(l.amount)]);
  tr.dataset.line = l.line_no;
  const q = document.createElement("input");
  Object.assign(q, { className: "qty-in", inputmode: "decimal", autocomplete: "off", value: qty(l.quantity), title: t("changeQty") });
  q.setAttribute("aria-label", t("changeQty"));
  q.onkeydown = (e) => { if (e.key === "Enter") { e.preventDefault(); e.stopPropagation(); changeLine(l.line_no, q.value); } };
  q.onchange = () => changeLine(l.line_no, q.value);
  tr.children[1].append(q);
  const del = document.createElement("td");
  const b = document.createElement("button");
  Object.assign(b, { type: "button", className: "ghost remove-line", textContent: "✕", title: t("removeLine") });
  b.setAttribute("aria-label", t("removeLine"));
  b.onclick = () => changeLine(l.line_no, "0");
  del.append(b);
  tr.append(del);
  return tr;
}

// changeLine sends a line's new quantity to the agent and shows the receipt it answers.
async function changeLine(no, text) {
  const v = text.trim().replace(",", ".");
  if (!/^\d+(\.\d{1,3})?$/.test(v)) { showPayError(t("badQty")); return; }
  const current = receipt.lines.find((l) => l.line_no === no);
  if (current && Number(v) === current.quantity) return;
  try {
    const r = await api("PATCH", `/api/receipts/${receipt.id}`, { lines: [{ line_no: no, quantity: Number(v) }] });
    r.comment = receipt.comment;
    receipt = r;
    $("pay-error").hidden = true;
    fillReceipt();
    updateChange();
  } catch (e) {
    const f = e.data && e.data.errors && e.data.errors[0];
    showPayError(f ? f.message : e.message);
    fillReceipt();
  }
}

// payState reads the payment fields against the open receipt: the amounts, what is wrong with them
// (in words for the cashier), and how much they exceed the total (negative: still due).
function payState() {
  const cash = parseMoney($("cash").value), card = parseMoney($("card").value), errors = [];
  if (cash === null) errors.push(t("badCash"));
  if (card === null) errors.push(t("badCard"));
  else if (card > receipt.total) errors.push(t("cardOver", { due: formatMoney(receipt.total) }));
  return { cash, card, errors, rest: errors.length ? null : cash + card - receipt.total };
}

// updateChange shows the change or what is still due, and lets the receipt close only when the
// payments are valid and cover the total.
function updateChange() {
  if (!receipt) return;
  const p = payState();
  $("close-receipt").disabled = p.errors.length > 0 || p.rest < 0;
  if (p.errors.length) {
    $("change-label").textContent = t("change");
    $("change").textContent = "—";
    showPayError(p.errors.join(" "));
    return;
  }
  $("pay-error").hidden = true;
  $("change-label").textContent = p.rest >= 0 ? t("change") : t("stillDue");
  $("change").textContent = formatMoney(Math.abs(p.rest));
}

async function closeReceipt(ev) {
  ev.preventDefault();
  const p = payState();
  if (p.errors.length || p.rest < 0) { updateChange(); return; }
  const pays = [];
  if (p.cash > 0) pays.push({ type: "cash", amount: p.cash });
  if (p.card > 0) pays.push({ type: "card", amount: p.card });
  try {
    const done = await api("POST", `/api/receipts/${receipt.id}/close`, { payments: pays });
    $("receipt").close();
    receipt = null; selected = null;
    $("done-change").textContent = formatMoney(done.change);
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

// askCloseShift asks before closing the fiscal shift (Enter confirms, Esc cancels), unless the agent
// says no shift is open.
async function askCloseShift() {
  await refresh();
  if (status && !status.shift_open) { say(t("noShift"), "info"); return; }
  $("confirm-z-text").textContent = t("confirmZText", { s: status ? status.shift_number : "" });
  $("confirm-z").returnValue = "";
  $("confirm-z").showModal();
}

async function closeShift() {
  try {
    zreport = await api("POST", "/api/shift/close");
    zreport.kind = "z";
    renderZ();
    $("z").showModal();
    refresh();
  } catch (e) { say(e.status === 409 ? t("noShift") : e.message); }
}

// xReport shows the open shift so far without closing it («X-отчёт»).
async function xReport() {
  try {
    zreport = await api("GET", "/api/shift/x-report");
    zreport.kind = "x";
    renderZ();
    $("z").showModal();
  } catch (e) { say(e.status === 409 ? t("noShift") : e.message, e.status === 409 ? "info" : "error"); }
}

// renderZ shows the last Z- or X-report: sales, and apart returns, cash in and cash out, with the
// cash the drawer should hold.
function renderZ() {
  const z = zreport;
  $("z-title").textContent = z.kind === "x" ? t("xTitle", { s: z.shift_number, time: clock(z.closed_at) }) : t("zreport");
  const none = { count: 0, cash: 0, card: 0, total: 0 }, ret = z.returns || none, cin = z.cash_in || none, cout = z.cash_out || none;
  $("z-body").replaceChildren(...[["zShift", z.shift_number], ["zReceipts", z.receipts], ["zSales", formatMoney(z.total)],
    ["zCash", formatMoney(z.cash)], ["zCard", formatMoney(z.card)], ["zTotal", formatMoney(z.total)], ["zReturns", `${ret.count} · ${formatMoney(ret.total)}`],
    ["zReturnsCash", formatMoney(ret.cash)], ["zCashIn", `${cin.count} · ${formatMoney(cin.total)}`],
    ["zCashOut", `${cout.count} · ${formatMoney(cout.total)}`], ["zExpected", formatMoney(z.expected_cash)]].flatMap(([k, v]) => {
    const dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = t(k); dd.textContent = v;
    return [dt, dd];
  }));
}

// cashMove is the open «Внесение» or «Выемка» dialog's kind ("cash-in" or "cash-out"), or null.
let cashMove = null;

// openCashMove opens «Внесение» or «Выемка», saying what the drawer holds by this register's count.
async function openCashMove(kind) {
  cashMove = kind;
  $("cm-title").textContent = t(kind === "cash-in" ? "cashIn" : "cashOut");
  $("cm-submit").textContent = t(kind === "cash-in" ? "cmIn" : "cmOut");
  for (const id of ["cm-amount", "cm-counterpart", "cm-comment"]) $(id).value = "";
  $("cm-error").hidden = true;
  $("cm-drawer").textContent = "";
  $("cashmove").showModal();
  $("cm-amount").focus();
  const x = await api("GET", "/api/shift/x-report").catch(() => null);
  $("cm-drawer").textContent = t("drawer", { sum: formatMoney(x ? x.expected_cash : 0) });
}

// submitCashMove sends the cash in or cash out; the agent fiscalises it or says why not.
async function submitCashMove(ev) {
  ev.preventDefault();
  const amount = parseMoney($("cm-amount").value);
  const err = (text) => { $("cm-error").textContent = text; $("cm-error").hidden = false; };
  if (!amount) return err(t("badAmount"));
  try {
    const done = await api("POST", `/api/${cashMove}`, { amount, comment: $("cm-comment").value.trim(), counterpart: $("cm-counterpart").value.trim() });
    $("cashmove").close();
    say(t("cmDone", { what: t(cashMove === "cash-in" ? "cashIn" : "cashOut"), sum: formatMoney(amount), s: done.shift_number, r: done.receipt_number }), "info");
    cashMove = null;
    refresh();
  } catch (e) {
    const f = e.data && e.data.errors && e.data.errors[0];
    err(f ? f.message : e.message);
  }
}

// refund is the open «Возврат» dialog's state: the sale found and the return's preview.
let refund = null;

function openRefund() {
  refund = null;
  $("rf-query").value = ""; $("rf-cash").value = ""; $("rf-card").value = "";
  $("rf-sale").hidden = true; $("rf-error").hidden = true; $("rf-submit").disabled = true;
  $("refund").showModal();
  $("rf-query").focus();
}

function refundError(text) { $("rf-error").textContent = text; $("rf-error").hidden = !text; }

// saleQuery turns what the cashier typed or scanned into the agent's query: a receipt's QR string
// (t=…&fn=…&i=…), a fiscal drive and document number ("FN FD"), a shift and receipt number ("12/34"),
// or a receipt number in the current shift.
function saleQuery(text) {
  const s = text.trim();
  if (s.includes("fn=")) return "qr=" + encodeURIComponent(s);
  let m = /^(\d{10,})\s+(\d+)$/.exec(s);
  if (m) return `fn=${m[1]}&fd=${m[2]}`;
  m = /^(\d+)\s*[/-]\s*(\d+)$/.exec(s);
  if (m) return `shift_number=${m[1]}&receipt_number=${m[2]}`;
  if (/^\d+$/.test(s)) return "receipt_number=" + s;
  return "transaction_id=" + encodeURIComponent(s);
}

async function findSale() {
  try {
    const sale = await api("GET", "/api/sales?" + saleQuery($("rf-query").value));
    refund = { sale, preview: null };
    const tx = sale.transaction;
    $("rf-sale-title").textContent = t("saleTitle", { s: tx.shift_number, r: tx.receipt_number, sum: formatMoney(tx.total) });
    $("rf-lines").replaceChildren(...sale.returnable.map((l) => {
      const tr = line([l.line_no, l.name || l.product_id, qty(l.quantity), ""]);
      tr.dataset.line = l.line_no;
      const q = document.createElement("input");
      Object.assign(q, { className: "rf-qty", inputmode: "decimal", autocomplete: "off", value: "0" });
      q.onchange = previewRefund;
      tr.children[3].append(q);
      return tr;
    }));
    $("rf-sale").hidden = false;
    refundError("");
    previewRefund();
  } catch (e) {
    const f = e.data && e.data.errors && e.data.errors[0];
    refundError(f ? f.message : e.message);
  }
}

// refundLines are the lines and quantities the cashier chose.
function refundLines() {
  const out = [];
  for (const tr of $("rf-lines").children) {
    const v = tr.querySelector("input").value.trim().replace(",", ".");
    if (v !== "" && Number(v) > 0) out.push({ line_no: Number(tr.dataset.line), quantity: Number(v) });
  }
  return out;
}

// previewRefund asks the agent what the chosen lines refund, so the cashier sees the total.
async function previewRefund() {
  if (!refund) return;
  const lines = refundLines(), key = JSON.stringify(lines);
  if (refund.preview && refund.key === key) { updateRefund(); return; } // a field left unchanged
  refund.key = key;
  refund.preview = null;
  $("rf-total").textContent = "—";
  if (!lines.length) { updateRefund(); return; }
  try {
    refund.preview = await api("POST", "/api/returns/preview", { original_transaction_id: refund.sale.transaction.id, lines });
    $("rf-total").textContent = formatMoney(refund.preview.total);
    refundError("");
  } catch (e) {
    const f = e.data && e.data.errors && e.data.errors[0];
    refundError(f ? f.message : e.message);
  }
  updateRefund();
}

// updateRefund lets the return go only when cash and card add up to exactly its total.
function updateRefund() {
  const cash = parseMoney($("rf-cash").value), card = parseMoney($("rf-card").value);
  const p = refund && refund.preview;
  const ok = p && cash !== null && card !== null && cash + card === p.total;
  $("rf-submit").disabled = !ok;
  if (p && cash !== null && card !== null && cash + card > 0 && !ok) refundError(t("refundMismatch", { due: formatMoney(p.total) }));
  else if (ok) refundError("");
}

function refundAll(field, other) {
  if (!refund || !refund.preview) return;
  $(field).value = formatMoney(refund.preview.total);
  $(other).value = "";
  updateRefund();
}

async function submitRefund(ev) {
  ev.preventDefault();
  if ($("rf-submit").disabled) return;
  const cash = parseMoney($("rf-cash").value), card = parseMoney($("rf-card").value), payments = [];
  if (cash > 0) payments.push({ type: "cash", amount: cash });
  if (card > 0) payments.push({ type: "card", amount: card });
  try {
    const done = await api("POST", "/api/returns", { original_transaction_id: refund.sale.transaction.id, lines: refundLines(), payments });
    $("refund").close();
    say(t("refundDone", { sum: formatMoney(cash + card), s: done.shift_number, r: done.receipt_number }), "info");
    refund = null;
    refresh();
  } catch (e) {
    const f = e.data && e.data.errors && e.data.errors[0];
    refundError(f ? f.message : e.message);
  }
}

// fillAll puts the whole total into one payment field and clears the other.
function fillAll(field, other) {
  $(field).value = formatMoney(receipt.total);
  $(other).value = "";
  updateChange();
  $(field).focus();
}

$("pick").onclick = pick;
$("pay-form").onsubmit = closeReceipt;
$("cash").oninput = updateChange;
$("card").oninput = updateChange;
$("all-cash").onclick = () => fillAll("cash", "card");
$("all-card").onclick = () => fillAll("card", "cash");
$("cancel-receipt").onclick = cancelReceipt;
$("receipt").addEventListener("cancel", (e) => { e.preventDefault(); cancelReceipt(); });
$("zreport").onclick = askCloseShift;
$("xreport").onclick = xReport;
$("confirm-z").addEventListener("close", () => { if ($("confirm-z").returnValue === "yes") closeShift(); });
$("lang").onclick = switchLang;
$("cash-in").onclick = () => openCashMove("cash-in");
$("cash-out").onclick = () => openCashMove("cash-out");
$("cashmove-form").onsubmit = submitCashMove;
$("cm-cancel").onclick = () => $("cashmove").close();
$("return").onclick = openRefund;
$("rf-find").onclick = findSale;
$("rf-query").onkeydown = (e) => { if (e.key === "Enter") { e.preventDefault(); findSale(); } };
$("rf-cash").oninput = updateRefund;
$("rf-card").oninput = updateRefund;
$("rf-all-cash").onclick = () => refundAll("rf-cash", "rf-card");
$("rf-all-card").onclick = () => refundAll("rf-card", "rf-cash");
$("refund-form").onsubmit = submitRefund;
$("rf-cancel").onclick = () => $("refund").close();
document.addEventListener("keydown", (e) => {
  if ($("receipt").open) {
    if (e.key === "F6") { e.preventDefault(); $("all-cash").click(); }
    if (e.key === "F7") { e.preventDefault(); $("all-card").click(); }
    return;
  }
  if (document.querySelector("dialog[open]")) return;
  if (e.key === "F8") { e.preventDefault(); openRefund(); return; }
  if (e.target === $("search")) {
    if (e.key === "Enter") { e.preventDefault(); searchEnter(); }
    if (e.key === "Escape") { e.preventDefault(); $("search").value = query = ""; $("search").blur(); render(); }
    return;
  }
  if (e.key === "F2" || (/^\d$/.test(e.key) && !e.ctrlKey && !e.altKey && !e.metaKey)) {
    // F2, or a digit typed anywhere — a barcode scanner types the order's number and Enter — searches.
    e.preventDefault();
    if (e.key !== "F2") { $("search").value = e.key; query = e.key; render(); }
    $("search").focus();
    return;
  }
  const list = orders.filter(matches);
  const i = list.findIndex((o) => o.id === selected);
  if (e.key === "ArrowDown" && list.length) { selected = list[Math.min(i + 1, list.length - 1)].id; render(); e.preventDefault(); }
  if (e.key === "ArrowUp" && list.length) { selected = list[Math.max(i - 1, 0)].id; render(); e.preventDefault(); }
  if (e.key === "Enter" && selected) { e.preventDefault(); pick(); }
});

$("search").oninput = () => { query = $("search").value; render(); };

applyLang();
refresh();
setInterval(refresh, 1000);

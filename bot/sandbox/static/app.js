// The sandbox page: chats, clock panel and inspector, refreshed on every change
// the server announces (server-sent events). No framework, no build step.
import { el, listRows, messageElement } from "./render.js";

const $ = (selector) => document.querySelector(selector);
const state = { current: null, lastToast: null, busy: false, again: false, clock: null };

const say = (text) => ($("#status").textContent = text);
const APPS = { telegram: "Telegram", whatsapp: "WhatsApp" };

// The JSON answer, or null after telling the visitor what went wrong.
async function api(path, body) {
  const options = {};
  if (body instanceof Blob) Object.assign(options, { method: "POST", body });
  else if (body !== undefined) {
    Object.assign(options, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }
  try {
    const response = await fetch(path, options);
    const data = await response.json();
    if (response.ok) return data;
    say(data.error);
  } catch {
    say("The sandbox does not answer: is `wijkbot sandbox` still running?");
  }
  return null;
}

function act(path, body) {
  say("");
  return api(`/api/chats/${state.current}/${path}`, body);
}

// -- rendering ------------------------------------------------------------------------

function renderPeople(people) {
  const list = $("#people");
  list.replaceChildren(...people.map((person) => {
    const item = el("li", person.id === state.current ? "person current" : "person");
    item.dataset.id = person.id;
    const title = el("div", "title");
    title.append(el("span", "name", person.name), el("span", "tag", person.language),
      el("span", `tag app-${person.app}`, APPS[person.app]));
    if (person.role !== "resident") title.append(el("span", "tag role", person.role));
    const last = el("div", "last", person.last || "no messages yet");
    last.dir = "auto";
    item.append(title, last);
    item.addEventListener("click", () => openChat(person.id));
    return item;
  }));
}

function renderChat(chat) {
  $("#chat-name").textContent = chat.name;
  $("#chat-about").textContent = `· ${APPS[chat.app]} · ${chat.language} · ${chat.role}`;
  $(".chat").classList.toggle("whatsapp", chat.app === "whatsapp");
  const list = $("#messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  const switched = list.dataset.chat !== String(chat.id);
  list.dataset.chat = chat.id;
  list.replaceChildren(...chat.messages.map((m) => messageElement(m, { press, openList })));
  if (atBottom || switched) list.scrollTop = list.scrollHeight;

  const keys = $("#reply-keyboard");
  keys.replaceChildren(...(chat.reply_keyboard || []).map((row) => {
    const line = el("div", "row");
    for (const label of row) {
      const button = el("button", "button", label);
      button.type = "button";
      button.addEventListener("click", () => act("tap", { text: label }));
      line.append(button);
    }
    return line;
  }));
  $("#start").hidden = chat.messages.length > 0;
  // On WhatsApp the bot learns that a shown chat was read (its outbox rows: receipt "read").
  if (chat.messages.some((m) => m.from === "bot" && m.status && m.status !== "read")) {
    api(`/api/chats/${chat.id}/read`, {});
  }

  const notice = chat.notice;
  if (notice && notice.id !== state.lastToast) {
    if (state.lastToast !== null || !switched) toast(notice.text);
    state.lastToast = notice.id;
  }
}

function toast(text) {
  const box = $("#toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(box.timer);
  box.timer = setTimeout(() => (box.hidden = true), 3000);
}

function renderClock(clock) {
  state.clock = clock;
  $("#clock-zone").textContent = clock.zone;
  const jumps = $("#jumps");
  if (!jumps.children.length) {
    for (const jump of clock.jumps) {
      const button = el("button", "button", jump.label);
      button.type = "button";
      button.addEventListener("click", () => jumpTo(jump.name));
      jumps.append(button);
    }
  }
  tick();
}

function tick() {
  if (!state.clock) return;
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: state.clock.zone, weekday: "short", day: "numeric", month: "short",
    year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  $("#clock-now").textContent = format.format(new Date(Date.now() + state.clock.offset_ms));
}

function cell(text, className) {
  const node = el("td", className, text === null || text === undefined ? "" : String(text));
  node.dir = "auto";
  return node;
}

function renderInspector(data) {
  $("#polls").textContent = `(Not listed: ${data.polls} getUpdates long polls.)`;
  $("#calls").replaceChildren(...data.calls.map((call) => {
    const item = el("li", call.ok ? "call" : "call error");
    const head = el("div", "head");
    const answer = call.ok ? `→ ${call.result}` : `✗ ${call.error}`;
    const api = call.api === "graph" ? "WhatsApp" : "Telegram";
    head.append(el("span", "n", `#${call.n}`), el("span", "time", call.time),
      el("span", `tag app-${call.api === "graph" ? "whatsapp" : "telegram"}`, api),
      el("span", "method", call.method), el("span", "answer", answer));
    const params = el("dl", "params");
    for (const [key, value] of Object.entries(call.params)) {
      const shown = el("dd", "", typeof value === "string" ? value : JSON.stringify(value));
      shown.dir = "auto";
      params.append(el("dt", "", key), shown);
    }
    item.append(head, params);
    return item;
  }));
  $("#outbox").replaceChildren(...data.deliveries.map((d) => {
    const row = el("tr", `status-${d.status}`);
    row.append(cell(d.id), cell(d.kind), cell(d.recipient), cell(d.status, "status"),
      cell(d.next_attempt), cell(d.sent), cell(d.receipt), cell(d.last_error));
    return row;
  }));
}

// -- refreshing -----------------------------------------------------------------------

async function refresh() {
  if (state.busy) { state.again = true; return; }
  state.busy = true;
  try {
    const chat = state.current ? api(`/api/chats/${state.current}`) : null;
    const [people, clock, inspector, shown] = await Promise.all(
      [api("/api/people"), api("/api/clock"), api("/api/inspector"), chat]);
    if (people) renderPeople(people.people);
    if (clock) renderClock(clock);
    if (inspector) renderInspector(inspector);
    if (shown) renderChat(shown);
  } finally {
    state.busy = false;
    if (state.again) { state.again = false; refresh(); }
  }
}

// -- actions --------------------------------------------------------------------------

async function openChat(id) {
  state.current = id;
  state.lastToast = null;
  history.replaceState(null, "", `#${id}`);
  await api(`/api/chats/${id}/open`, {});
  await refresh();
  $("#text").focus();
}

const press = (messageId, data) => act("press", { message_id: messageId, data });

// A WhatsApp list's rows as a sheet over the chat; a row sends at once, as in the app.
function openList(message) {
  const sheet = $("#sheet");
  $("#sheet-title").textContent = message.list.button;
  $("#sheet-rows").replaceChildren(...listRows(message, (data) => {
    sheet.close();
    press(message.id, data);
  }));
  sheet.showModal();
}
$("#sheet-close").addEventListener("click", () => $("#sheet").close());

async function jumpTo(name) {
  const result = await api("/api/clock", { jump: name });
  if (!result) return;
  const added = Object.values(result.enqueued).reduce((a, b) => a + b, 0);
  say(`Now ${result.local}: the sweeps added ${added} message(s) to the outbox.`);
  await refresh();
}

$("#compose").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("#text");
  if (input.value.trim() && (await act("send", { text: input.value }))) input.value = "";
});

$("#start").addEventListener("click", () => act("start", {}));
$("#sticker").addEventListener("click", () => act("sticker", {}));

$("#photo").addEventListener("change", async (event) => {
  const [file] = event.target.files;
  if (!file) return;
  const caption = encodeURIComponent($("#text").value);
  const sent = await api(`/api/chats/${state.current}/photo?caption=${caption}`, file);
  event.target.value = "";
  if (sent) $("#text").value = "";
});

$("#add-person").addEventListener("submit", async (event) => {
  event.preventDefault();
  const field = (name) => event.target.elements.namedItem(name);
  const person = await api("/api/people", {
    name: field("name").value, language: field("language").value, app: field("app").value,
  });
  if (!person) return;
  field("name").value = "";
  await openChat(person.id);
});

for (const tab of document.querySelectorAll(".tabs button")) {
  tab.addEventListener("click", () => {
    for (const other of document.querySelectorAll(".tabs button")) {
      other.classList.toggle("active", other === tab);
      $(`#tab-${other.dataset.tab}`).hidden = other !== tab;
    }
  });
}

setInterval(tick, 1000);
new EventSource("/api/events").onmessage = () => refresh();
api("/api/people").then((answer) => {
  if (!answer) return;
  const wanted = Number(location.hash.slice(1));
  openChat(answer.people.some((p) => p.id === wanted) ? wanted : answer.people[0].id);
});

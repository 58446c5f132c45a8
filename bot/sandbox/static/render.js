// Messages as DOM nodes. Text arrives as plain text plus Telegram's entities
// (WhatsApp's marks arrive as entities too), so nothing is ever parsed as HTML:
// whatever a person typed stays text.

const TAGS = {
  bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre",
  blockquote: "blockquote", expandable_blockquote: "blockquote",
};
const SAFE_LINK = /^(https?:|tg:|mailto:)/i;

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function entityElement(entity) {
  if (entity.type === "text_link" && SAFE_LINK.test(entity.url || "")) {
    const link = el("a");
    link.href = entity.url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    return link;
  }
  return el(TAGS[entity.type] || "span", "e-" + entity.type.replace(/[^a-z_]/g, ""));
}

// Offsets are in UTF-16 code units, like JavaScript strings: slice() fits.
function build(text, entities, from, to) {
  const nodes = [];
  let pos = from;
  for (let i = 0; i < entities.length; ) {
    const entity = entities[i];
    const start = Math.max(entity.offset, pos);
    const end = Math.min(entity.offset + entity.length, to);
    let j = i + 1;
    while (j < entities.length && entities[j].offset < end) j++; // nested inside
    if (start > pos) nodes.push(document.createTextNode(text.slice(pos, start)));
    if (end > start) {
      const node = entityElement(entity);
      node.append(...build(text, entities.slice(i + 1, j), start, end));
      nodes.push(node);
      pos = end;
    }
    i = j;
  }
  if (pos < to) nodes.push(document.createTextNode(text.slice(pos, to)));
  return nodes;
}

export function formatted(text, entities) {
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  return build(text, sorted, 0, text.length);
}

function media(item) {
  if (!item.url || !item.url.startsWith("/files/")) return el("div", "media-missing", `[${item.kind}]`);
  if (item.kind === "photo" || item.kind === "sticker") {
    const image = el("img", "photo");
    image.src = item.url;
    image.alt = item.kind;
    return image;
  }
  const link = el("a", "file", "📄 " + (item.name || item.kind));
  link.href = item.url;
  link.download = item.name || "";
  return link;
}

function inlineKeyboard(message, press) {
  const keyboard = el("div", "inline-keyboard");
  for (const row of message.buttons) {
    const line = el("div", "row");
    for (const button of row) {
      if (button.url) {
        const link = el("a", "button", button.text + " ↗");
        link.href = button.url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        line.append(link);
      } else {
        const node = el("button", "button", button.text);
        node.type = "button";
        node.disabled = button.data === undefined;
        node.addEventListener("click", () => press(message.id, button.data));
        line.append(node);
      }
    }
    keyboard.append(line);
  }
  return keyboard;
}

// WhatsApp's reply buttons (and a template's quick reply, a link button): each a box of its
// own under the bubble, as the app shows them.
function replyButtons(message, press) {
  const box = el("div", "reply-buttons");
  for (const [button] of message.buttons) {
    if (button.url) {
      const link = el("a", "button", "↗ " + button.text);
      link.href = button.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      box.append(link);
    } else {
      const node = el("button", "button", button.text);
      node.type = "button";
      node.addEventListener("click", () => press(message.id, button.data));
      box.append(node);
    }
  }
  return box;
}

// A WhatsApp list: a button at the foot of the bubble opens its rows as a sheet.
function listButton(message, openList) {
  const button = el("button", "list-button", "☰ " + message.list.button);
  button.type = "button";
  button.addEventListener("click", () => openList(message));
  return button;
}

export function messageElement(message, actions) {
  const item = el("li", `msg from-${message.from}${message.deleted ? " deleted" : ""}`);
  item.dataset.id = message.id;
  const bubble = el("div", message.template ? "bubble template" : "bubble");
  bubble.dir = "auto";
  if (message.template) {
    const about = `Template ${message.template.name} (${message.template.language})`;
    bubble.append(el("div", "template-name", about));
  }
  if (message.header) bubble.append(el("div", "header", message.header));
  if (message.media) bubble.append(media(message.media));
  const body = el("div", "text");
  body.append(...formatted(message.text, message.entities));
  bubble.append(body);
  if (message.footer) bubble.append(el("div", "footer", message.footer));
  const flags = [message.deleted ? "deleted" : message.edited ? "edited" : "", message.time];
  bubble.append(el("div", "meta", flags.filter(Boolean).join(" · ")));
  if (message.list) bubble.append(listButton(message, actions.openList));
  item.append(bubble);
  if (message.buttons.length && !message.deleted) {
    const whatsapp = "status" in message;  // only WhatsApp's messages have a status
    item.append(whatsapp ? replyButtons(message, actions.press) : inlineKeyboard(message, actions.press));
  }
  return item;
}

// The rows of a list message, for the sheet: sections with their titles, a button a row.
export function listRows(message, choose) {
  return message.list.sections.map((section) => {
    const group = el("section", "sheet-section");
    if (section.title) group.append(el("h3", "", section.title));
    for (const row of section.rows) {
      const button = el("button", "row");
      button.type = "button";
      button.dir = "auto";
      button.append(el("span", "row-title", row.title));
      if (row.description) button.append(el("span", "row-description", row.description));
      button.addEventListener("click", () => choose(row.data));
      group.append(button);
    }
    return group;
  });
}

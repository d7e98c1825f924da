// A small Markdown renderer for the rule documentation akbp's registry holds: headings,
// paragraphs, fenced code, bullet and numbered lists, pipe tables, and inline code, bold,
// emphasis and links. It builds DOM nodes and sets text with textContent only, so no text
// ever becomes markup. Links leave the page only when clicked; relative ones are resolved
// against `linkBase` (the docs site's rules folder).

export function renderMarkdown(md, { linkBase } = {}) {
  const root = document.createDocumentFragment();
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  let para = [];
  const flush = () => {
    if (para.length) {
      const p = document.createElement('p');
      inline(p, para.join(' '), linkBase);
      root.append(p);
      para = [];
    }
  };
  while (i < lines.length) {
    const line = lines[i];
    const fence = line.match(/^(```+|~~~+)\s*([\w-]*)\s*$/);
    if (fence) {
      flush();
      const code = [];
      i++;
      while (i < lines.length && !lines[i].startsWith(fence[1])) code.push(lines[i++]);
      i++;
      const pre = document.createElement('pre');
      const c = document.createElement('code');
      if (fence[2]) c.dataset.lang = fence[2];
      c.textContent = code.join('\n');
      pre.append(c);
      root.append(pre);
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*)$/);
    if (heading) {
      flush();
      // The page has its own h2; the doc's headings sit below it.
      const h = document.createElement(`h${Math.min(6, heading[1].length + 2)}`);
      inline(h, heading[2], linkBase);
      root.append(h);
      i++;
      continue;
    }
    if (/^\s*\|.*\|\s*$/.test(line) && i + 1 < lines.length && /^\s*\|[\s:|-]+\|\s*$/.test(lines[i + 1])) {
      flush();
      const table = document.createElement('table');
      const row = (text, cell) => {
        const tr = document.createElement('tr');
        for (const part of splitRow(text)) {
          const td = document.createElement(cell);
          inline(td, part, linkBase);
          tr.append(td);
        }
        return tr;
      };
      const thead = document.createElement('thead');
      thead.append(row(line, 'th'));
      const tbody = document.createElement('tbody');
      i += 2;
      while (i < lines.length && /^\s*\|.*\|\s*$/.test(lines[i])) tbody.append(row(lines[i++], 'td'));
      table.append(thead, tbody);
      root.append(table);
      continue;
    }
    const item = line.match(/^(\s*)([-*]|\d+[.)])\s+(.*)$/);
    if (item) {
      flush();
      const ordered = /\d/.test(item[2]);
      const list = document.createElement(ordered ? 'ol' : 'ul');
      while (i < lines.length) {
        const m = lines[i].match(/^(\s*)([-*]|\d+[.)])\s+(.*)$/);
        if (!m) break;
        const text = [m[3]];
        i++;
        // Continuation lines are indented.
        while (i < lines.length && /^\s{2,}\S/.test(lines[i]) && !/^\s*([-*]|\d+[.)])\s/.test(lines[i])) {
          text.push(lines[i++].trim());
        }
        const li = document.createElement('li');
        inline(li, text.join(' '), linkBase);
        list.append(li);
      }
      root.append(list);
      continue;
    }
    if (line.trim() === '' || /^<!--.*-->$/.test(line.trim())) {
      flush();
      i++;
      continue;
    }
    para.push(line.trim());
    i++;
  }
  flush();
  return root;
}

function splitRow(text) {
  const inner = text.trim().replace(/^\|/, '').replace(/\|$/, '');
  // A pipe inside backticks belongs to the code span.
  const cells = [];
  let cur = '';
  let code = false;
  for (const ch of inner) {
    if (ch === '`') code = !code;
    if (ch === '|' && !code) {
      cells.push(cur.trim());
      cur = '';
    } else {
      cur += ch;
    }
  }
  cells.push(cur.trim());
  return cells;
}

// Inline spans: `code`, **bold**, *emphasis* / _emphasis_, [text](url).
const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)|(?<![\w*])\*([^*\s][^*]*)\*(?!\w)|(?<!\w)_([^_\s][^_]*)_(?!\w)/g;

function inline(parent, text, linkBase) {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) parent.append(text.slice(last, m.index));
    if (m[1] !== undefined) {
      const c = document.createElement('code');
      c.textContent = m[1];
      parent.append(c);
    } else if (m[2] !== undefined) {
      const b = document.createElement('strong');
      inline(b, m[2], linkBase);
      parent.append(b);
    } else if (m[3] !== undefined) {
      const a = document.createElement('a');
      inline(a, m[3], linkBase);
      const href = linkHref(m[4], linkBase);
      if (href) {
        a.href = href;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
      }
      parent.append(a);
    } else {
      const e = document.createElement('em');
      inline(e, m[5] ?? m[6], linkBase);
      parent.append(e);
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.append(text.slice(last));
}

// http(s) links stay as they are; a page of the docs (`../configuration.md#x`, `AKB010.md`)
// becomes its address on the docs site; anything else (javascript:, data:) is not a link.
function linkHref(target, linkBase) {
  if (/^https?:\/\//i.test(target)) return target;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || !linkBase) return null;
  const [path, anchor] = target.split('#');
  const page = path.replace(/(^|\/)index\.md$/, '$1').replace(/\.md$/, '/');
  try {
    return new URL(page + (anchor ? `#${anchor}` : ''), linkBase).href;
  } catch {
    return null;
  }
}

// A wrapped line goes on under its own indentation, so a nested repr (a Sequential's children), in
// docexec's outputs or a notebook's, or the post's quoted code stays readable on a narrow screen: each line becomes a box whose
// continuation hangs at the line's leading spaces plus two. The newlines stay text between the
// boxes, so copying gives the text unchanged.
function hangLines(code) {
  if (code.dataset.lines !== undefined) return;  // already split (Material may show a page twice)
  const nodes = [...code.childNodes];
  if (nodes.some(n => n.nodeType !== Node.TEXT_NODE && n.textContent.includes("\n"))) return;  // markup across lines: leave it
  code.dataset.lines = "";
  code.textContent = "";
  let line = null, text = "";
  const close = () => {
    line.style.setProperty("--hang", `${text.length - text.trimStart().length + 2}ch`);
    code.append(line);
  };
  const open = () => { line = document.createElement("span"); line.className = "output-line"; text = ""; };
  open();
  for (const node of nodes) {
    if (node.nodeType !== Node.TEXT_NODE) { line.append(node); text += node.textContent; continue; }
    node.textContent.split("\n").forEach((part, i) => {
      if (i) { close(); code.append("\n"); open(); }
      if (part) { line.append(part); text += part; }
    });
  }
  if (line.childNodes.length) close();  // after the last newline: an empty box would add a line
}

// The post's quoted code wraps at spaces only, but a browser may also break after a hyphen
// ("ignore[has-" / "type]"): a word with a hyphen inside is kept whole, the text is unchanged.
function keepHyphenatedWhole(code) {
  const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT), texts = [];
  for (let node; (node = walker.nextNode());) if (/\S-\S/.test(node.data)) texts.push(node);
  for (const node of texts) {
    const parts = node.data.split(/(\S*\S-\S\S*)/);
    node.replaceWith(...parts.map((part, i) => {
      if (i % 2 === 0) return part;
      const whole = document.createElement("span");
      whole.className = "nobr";
      whole.textContent = part;
      return whole;
    }));
  }
}

document$.subscribe(() => {
  document.querySelectorAll(".post-code pre > code:not([data-lines])").forEach(keepHyphenatedWhole);
  document.querySelectorAll(".docexec-output:not(.docexec-source) pre > code, .post-code pre > code, .jupyter-wrapper .jp-OutputArea-output pre").forEach(hangLines);
});

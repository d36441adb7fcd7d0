// MathJax, served by the site itself (docs/assets/mathjax, copied from the npm package by
// `make install`). Typesetting waits for MathJax to start and runs on every page Material shows.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],  // $: notebook pages
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],  // $$: notebook pages (mkdocs-jupyter)
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".+",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown",  // Markdown pages | notebook pages
  },
  startup: { typeset: false },
};

document$.subscribe(() => {
  MathJax.startup.promise.then(() => {
    MathJax.typesetClear();
    MathJax.texReset();
    return MathJax.typesetPromise();
  });
});

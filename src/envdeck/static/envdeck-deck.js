/* envdeck: keep every slide inside the frame.
 *
 * A slide taller than the frame is scaled down by shrinking its font size (the
 * content is sized in em, so it follows).  Below MIN_SCALE it scrolls on screen
 * instead.  A page cannot scroll: in the print view (PDF export) it shrinks on,
 * down to PRINT_MIN_SCALE, and a slide that still overflows is marked
 * data-envdeck-overflow for `envdeck pdf` to name.  Loaded in <head>, before
 * reveal.js, so it waits for the page before using `Reveal`.
 */
(function () {
  "use strict";

  var MIN_SCALE = 0.45;
  // Smaller than this, text on a printed slide is no longer worth reading.
  var PRINT_MIN_SCALE = 0.2;
  var STEPS = 8;

  function isLeaf(slide) {
    return slide && slide.tagName === "SECTION" && !slide.classList.contains("stack");
  }

  function fits(slide, height) {
    return slide.scrollHeight <= height + 1;
  }

  // Returns the scale used, or 0 when the slide cannot be measured (not shown).
  function fit(slide, height, minScale) {
    if (!isLeaf(slide) || slide.style.display === "none") {
      return 0;
    }
    slide.style.fontSize = "";
    slide.classList.remove("envdeck-scroll");
    var scale = 1;
    if (!fits(slide, height)) {
      var low = minScale;
      var high = 1;
      for (var i = 0; i < STEPS; i++) {
        var mid = (low + high) / 2;
        slide.style.fontSize = mid + "em";
        if (fits(slide, height)) {
          low = mid;
        } else {
          high = mid;
        }
      }
      scale = low;
      slide.style.fontSize = scale + "em";
    }
    slide.setAttribute("data-envdeck-scale", scale.toFixed(3));
    return scale;
  }

  function fitShownSlides(reveal, force) {
    var height = reveal.getConfig().height;
    var slides = reveal.getSlidesElement().querySelectorAll("section");
    for (var i = 0; i < slides.length; i++) {
      var slide = slides[i];
      if (slide.style.display === "none") {
        // Not measurable now: fit it again when it is shown.
        if (force) slide.removeAttribute("data-envdeck-scale");
        continue;
      }
      if (!force && slide.hasAttribute("data-envdeck-scale")) continue;
      if (fit(slide, height, MIN_SCALE) && !fits(slide, height)) {
        slide.classList.add("envdeck-scroll");
      }
    }
    reveal.layout();
  }

  function fitPrintPages(reveal) {
    var config = reveal.getConfig();
    var pages = document.querySelectorAll(".reveal .pdf-page");
    for (var i = 0; i < pages.length; i++) {
      var page = pages[i];
      var slide = page.querySelector(":scope > section");
      if (!isLeaf(slide)) continue;
      fit(slide, config.height, PRINT_MIN_SCALE);
      if (fits(slide, config.height)) {
        slide.removeAttribute("data-envdeck-overflow");
      } else {
        slide.setAttribute("data-envdeck-overflow", "");
      }
      if (config.center || slide.classList.contains("center")) {
        // The print view centred the slide before it was scaled.
        slide.style.top = Math.max((page.clientHeight - slide.scrollHeight) / 2, 0) + "px";
      }
    }
    document.documentElement.setAttribute("data-envdeck-pdf", "ready");
  }

  // MathJax typesets after the page loads and changes the slides' heights: measure
  // once it is done.  Sphinx loads it with `defer` (Sphinx 9, or with a MathJax
  // configuration) or `async` (Sphinx 8 without one), so it may run after
  // DOMContentLoaded.  Resolves at once on a page without MathJax.
  function startupOf() {
    var mathjax = window.MathJax;
    return (mathjax && mathjax.startup && mathjax.startup.promise) || null;
  }

  function mathjaxScript() {
    return document.querySelector('script[src*="mathjax" i]');
  }

  function mathjaxLoaded() {
    var script = mathjaxScript();
    if (!script || startupOf()) return Promise.resolve();
    // Fetched already (a timing entry exists): it ran, or failed, or runs next.
    var fetched = window.performance && performance.getEntriesByName(script.src).length;
    return new Promise(function (done) {
      if (fetched) {
        setTimeout(done, 0);
        return;
      }
      script.addEventListener("load", done, { once: true });
      script.addEventListener("error", done, { once: true });
    });
  }

  function typeset() {
    var parsed = document.readyState === "loading"
      ? new Promise(function (done) {
        document.addEventListener("DOMContentLoaded", done, { once: true });
      })
      : Promise.resolve();
    return parsed.then(mathjaxLoaded).then(startupOf);
  }

  // The slide splitter (envdeck-split.js) measures after the same wait.
  window.EnvdeckMath = {
    typeset: typeset,
    onPage: function () { return Boolean(window.MathJax || mathjaxScript()); },
  };

  // Fonts and math in, and the slides that overflow split (envdeck-split.js).
  function settled() {
    var split = window.EnvdeckSplit;
    return Promise.all([document.fonts.ready, typeset(), split && split.done]);
  }

  function start() {
    var reveal = window.Reveal;
    if (!reveal || !reveal.on) return;
    if (reveal.isPrintView && reveal.isPrintView()) {
      reveal.on("pdf-ready", function () {
        settled().then(function () { fitPrintPages(reveal); });
      });
      return;
    }
    var run = function () {
      fitShownSlides(reveal, false);
      reveal.on("slidechanged", function () { fitShownSlides(reveal, false); });
      // Web fonts and math change the text's size: measure again once they are in.
      settled().then(function () {
        fitShownSlides(reveal, true);
        document.documentElement.setAttribute("data-envdeck-fit", "ready");
      });
    };
    if (reveal.isReady()) {
      run();
    } else {
      reveal.on("ready", run);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

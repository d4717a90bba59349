/* envdeck: a slide that does not fit goes on in the next slide(s), "Title (cont.)".
 *
 * A reveal.js plugin.  The slides are measured once fonts and math are in: on screen
 * after the deck has started and painted its first slide (reveal.js is then told of
 * the new slides), in the print view before it lays out its pages, so `envdeck pdf`
 * gets the same slides.  A leaf
 * slide taller than the frame, even at SCALE_FIRST, is split between blocks:
 * paragraphs, list items, table rows, lines of code, and the blocks inside an
 * admonition or a card.  Each part but the last fills the frame at full size; the
 * last may still be scaled down by envdeck-deck.js.  A block that cannot be split
 * (an image, one long paragraph) stays whole on its slide.
 */
(function () {
  "use strict";

  // A slide that fits at this font scale is scaled (envdeck-deck.js), not split.
  var SCALE_FIRST = 0.8;
  var MAX_PARTS = 60;
  // A slide below this share of the frame in fallback fonts fits in any text font.
  var NEAR = 0.75;
  // After a continued slide's title: the deck's config has it in the pages' language
  // (envdeckContinued, from envdeck's catalogue); English without it.
  var CONT = " (cont.)";
  // Cloned into each part (a heading, a table's head); never moved.
  var KEEP = "h1, h2, h3, thead, caption, .admonition-title, .sd-card-header, .sd-card-title";
  // Left where they are: speaker notes, label anchors.
  var STAY = "aside.notes, span[id]:empty";

  // MathJax changes heights once it has drawn the math, and it may run after this
  // plugin starts: envdeck-deck.js (in every page of the deck) knows when it is done.
  function typeset() {
    var math = window.EnvdeckMath;
    return math ? math.typeset() : Promise.resolve();
  }

  function mathOnPage() {
    var math = window.EnvdeckMath;
    return math ? math.onPage() : Boolean(window.MathJax);
  }

  function settled() {
    return Promise.all([document.fonts.ready, typeset()]);
  }

  function isLeaf(section) {
    return !section.querySelector(":scope > section");
  }

  function makeFits(section, height) {
    return function () {
      return section.scrollHeight <= height + 1;
    };
  }

  function movable(el) {
    var found = [];
    var children = el.tagName === "TABLE" ? tableRows(el) : el.children;
    for (var i = 0; i < children.length; i++) {
      var child = children[i];
      if (!child.matches(KEEP) && !child.matches(STAY)) found.push(child);
    }
    return found;
  }

  function tableRows(table) {
    var body = table.tBodies[0];
    return body ? body.rows : [];
  }

  // The element the moved children go into: a copy of el without them.
  function shell(el, isSlide) {
    var copy = el.cloneNode(false);
    copy.removeAttribute("id");
    for (var i = 0; i < el.children.length; i++) {
      var child = el.children[i];
      if (child.matches(KEEP)) {
        var kept = child.cloneNode(true);
        kept.removeAttribute("id");
        if (isSlide && /^H[1-3]$/.test(kept.tagName) && kept.textContent.slice(-CONT.length) !== CONT) {
          kept.textContent += CONT;
        }
        copy.appendChild(kept);
      }
    }
    if (el.tagName === "TABLE") {
      copy.appendChild(el.tBodies[0].cloneNode(false));
    }
    return copy;
  }

  function target(copy) {
    return copy.tagName === "TABLE" ? copy.tBodies[0] : copy;
  }

  // --- code: a Pygments block split at a line ---------------------------------

  function codeLines(pre) {
    var lines = [[]];
    function walk(node, wrap) {
      if (node.nodeType === Node.TEXT_NODE) {
        var parts = node.textContent.split("\n");
        for (var i = 0; i < parts.length; i++) {
          if (i > 0) lines.push([]);
          if (parts[i]) lines[lines.length - 1].push(wrap(document.createTextNode(parts[i])));
        }
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        var inner = function (n) {
          var copy = node.cloneNode(false);
          copy.appendChild(n);
          return wrap(copy);
        };
        for (var j = 0; j < node.childNodes.length; j++) walk(node.childNodes[j], inner);
      }
    }
    for (var k = 0; k < pre.childNodes.length; k++) {
      walk(pre.childNodes[k], function (n) { return n; });
    }
    if (lines.length && !lines[lines.length - 1].length) lines.pop();
    return lines;
  }

  function fillPre(pre, lines) {
    pre.textContent = "";
    for (var i = 0; i < lines.length; i++) {
      for (var j = 0; j < lines[i].length; j++) pre.appendChild(lines[i][j].cloneNode(true));
      pre.appendChild(document.createTextNode("\n"));
    }
  }

  // el is a div.highlight-* block; returns the block with the lines that do not fit.
  function splitCode(el, fits) {
    var pre = el.querySelector("pre");
    if (!pre) return null;
    var lines = codeLines(pre);
    if (lines.length < 2) return null;
    var low = 1;
    var high = lines.length - 1;
    var best = 0;
    while (low <= high) {  // the most lines that fit
      var mid = (low + high) >> 1;
      fillPre(pre, lines.slice(0, mid));
      if (fits()) {
        best = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    if (!best) {
      fillPre(pre, lines);
      return null;
    }
    fillPre(pre, lines.slice(0, best));
    var rest = el.cloneNode(true);
    rest.removeAttribute("id");
    var restPre = rest.querySelector("pre");
    restPre.removeAttribute("data-id");
    fillPre(restPre, lines.slice(best));
    return rest;
  }

  // --- blocks ------------------------------------------------------------------

  // Moves what of el does not fit into a copy of el, which it returns (null when
  // el cannot be split).  el is on the slide; the slide does not fit.
  function splitTail(el, fits, isSlide) {
    if (el.matches("div[class*='highlight']") && el.querySelector("pre")) {
      return splitCode(el, fits);
    }
    if (el.matches("pre, img, svg, video, iframe, mjx-container, .math, p")) return null;
    var children = movable(el);
    if (!children.length) return null;
    var tail = shell(el, isSlide);
    var into = target(tail);
    var first = null;  // after the kept heading; each moved child before the last
    var moved = 0;
    // Move whole children from the end until what is left fits.
    for (var i = children.length - 1; i >= 1 && !fits(); i--) {
      into.insertBefore(children[i], first);
      first = children[i];
      moved++;
    }
    if (!fits()) {
      // One child left that does not fit: split it in turn.
      var inner = splitTail(children[0], fits, false);
      if (inner) {
        into.insertBefore(inner, first);
        moved++;
      }
    }
    if (!moved) return null;
    if (el.tagName === "OL") {
      // The continued list keeps its numbering.
      var start = parseInt(el.getAttribute("start") || "1", 10);
      tail.setAttribute("start", String(start + movable(el).length));
    }
    return tail;
  }

  function measuring(slides, config) {
    // Before reveal.js's first layout the frame has no size: give it the deck's.
    var saved = [slides.style.width, slides.style.height];
    slides.style.width = config.width + "px";
    slides.style.height = config.height + "px";
    return function () {
      slides.style.width = saved[0];
      slides.style.height = saved[1];
    };
  }

  function splitSlide(section, height) {
    // A vertical slide's stack is hidden too: show it while measuring.
    var stack = section.parentElement.closest("section");
    var stackDisplay = stack ? stack.style.display : "";
    if (stack) stack.style.display = "block";
    try {
      return splitParts(section, height);
    } finally {
      if (stack) stack.style.display = stackDisplay;
    }
  }

  function splitParts(section, height) {
    var parts = 0;
    var current = section;
    while (parts < MAX_PARTS) {
      var display = current.style.display;
      current.style.display = "block";
      var fits = makeFits(current, height);
      var done = fits();
      if (!done) {
        current.style.fontSize = SCALE_FIRST + "em";
        done = fits();
        current.style.fontSize = "";
      }
      var tail = done ? null : splitTail(current, fits, true);
      current.style.display = display;
      if (!tail) break;
      tail.classList.add("envdeck-continued");
      current.after(tail);
      current = tail;
      parts++;
    }
    return parts;
  }

  // The leaf slides taller than the frame, measured in one layout: every slide is
  // shown at once (they are positioned absolutely, so none moves another), read,
  // and hidden again.  Only these are measured one by one to be split.
  function overflowing(slides, height) {
    var sections = slides.querySelectorAll("section");
    var shown = [];
    for (var i = 0; i < sections.length; i++) {
      shown.push(sections[i].style.display);
      sections[i].style.display = "block";
    }
    var tall = [];
    for (var j = 0; j < sections.length; j++) {
      var section = sections[j];
      if (!isLeaf(section)) continue;
      // At full size: envdeck-deck.js may have scaled the slide shown to fit.
      var scaled = section.style.fontSize;
      section.style.fontSize = "";
      if (section.scrollHeight > height + 1) tall.push(section);
      section.style.fontSize = scaled;
    }
    for (var k = 0; k < sections.length; k++) sections[k].style.display = shown[k];
    return tall;
  }

  // The leaf slides that come near the frame (NEAR of its height) in the fonts that
  // are in now: one layout of the whole deck.
  function nearlyFull(deck) {
    var config = deck.getConfig();
    var slides = document.querySelector(".reveal .slides");
    if (!slides) return [];
    var restore = measuring(slides, config);
    try {
      return overflowing(slides, config.height * NEAR);
    } finally {
      restore();
    }
  }

  // Split the slides taller than the frame.  `near` (no math on the page): only
  // those can be, each measured alone, not the whole deck laid out again.
  function split(deck, near) {
    var config = deck.getConfig();
    if (typeof config.envdeckContinued === "string" && config.envdeckContinued) {
      CONT = " " + config.envdeckContinued;
    }
    var slides = document.querySelector(".reveal .slides");
    if (!slides) return;
    var restore = measuring(slides, config);
    try {
      var added = 0;
      var tall = near || overflowing(slides, config.height);
      for (var i = 0; i < tall.length; i++) added += splitSlide(tall[i], config.height);
      document.documentElement.setAttribute("data-envdeck-split", String(added));
    } finally {
      restore();
    }
  }

  // After reveal.js started: the slides that were split are new to it (sync), and
  // the slide on screen stays on screen, wherever the parts put it.
  function splitShown(deck, near) {
    var current = deck.getCurrentSlide();
    // envdeck-deck.js scaled the slides shown so far to fit: measure them at full
    // size (it fits them again once they are split).
    var fitted = document.querySelectorAll(".reveal .slides section[data-envdeck-scale]");
    for (var i = 0; i < fitted.length; i++) {
      fitted[i].style.fontSize = "";
      fitted[i].removeAttribute("data-envdeck-scale");
      fitted[i].classList.remove("envdeck-scroll");
    }
    split(deck, near);
    if (document.documentElement.getAttribute("data-envdeck-split") === "0") return;
    deck.sync();
    if (current && deck.getCurrentSlide() !== current) {
      var at = deck.getIndices(current);
      deck.slide(at.h, at.v, at.f);
    }
  }

  // Once the browser has painted the first slide (a tab that paints nothing, in the
  // background, goes on after a tenth of a second).
  function afterPaint(next) {
    var ran = false;
    function once() {
      if (!ran) {
        ran = true;
        next();
      }
    }
    requestAnimationFrame(function () { setTimeout(once, 0); });
    setTimeout(once, 100);
  }

  // What to split once fonts and math are in: {near: the slides near the frame, or
  // null for every slide (math changes heights when it is typeset)}; null when no
  // slide comes near the frame in the fonts that are in now, so that no text font
  // can make one overflow.  The measuring's layout starts the loads of the fonts
  // the slides use, which settled() waits for.
  function plan(deck) {
    var near = nearlyFull(deck);
    var math = mathOnPage();
    if (!near.length && !math) {
      document.documentElement.setAttribute("data-envdeck-split", "0");
      return null;
    }
    return { near: math ? null : near };
  }

  window.EnvdeckSplit = {
    id: "envdeck-split",
    // Settles once the deck's slides are split (envdeck-deck.js fits them after).
    done: Promise.resolve(),
    init: function (deck) {
      if (deck.isPrintView && deck.isPrintView()) {
        // The print view lays out its pages once: split before it starts.
        var measured = plan(deck);
        return measured && settled().then(function () { split(deck, measured.near); });
      }
      // On screen the deck starts at once, as the browser shows text before its
      // web fonts are in: the slides are measured once the first one is painted,
      // and those near the frame split when the fonts are in, before anyone moved
      // on from the first slide; reveal.js is then told (sync).
      window.EnvdeckSplit.done = new Promise(function (resolve) {
        deck.on("ready", function () {
          afterPaint(function () {
            var found = plan(deck);
            if (!found) return resolve();
            settled().then(function () { splitShown(deck, found.near); }).then(resolve, resolve);
          });
        });
      });
      return undefined;
    },
  };
})();

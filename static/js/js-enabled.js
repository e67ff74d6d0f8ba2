// Classic script, first child of <body>: GOV.UK Frontend styles components for JavaScript only
// when these classes are present (an inline script would be blocked by our CSP).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");

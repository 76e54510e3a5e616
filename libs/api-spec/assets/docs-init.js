// The API docs page (GET /docs): Swagger UI on /openapi.json, everything from this platform.
// A `#token=<JWT>` in the address (as the dashboard's link carries it) authorises "Try it out"
// and is removed from the address bar.
/* global SwaggerUIBundle */
window.addEventListener('load', () => {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (token) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  const ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: false,
    // The default validator is a remote service: nothing leaves this page.
    validatorUrl: null,
    onComplete: () => {
      if (token) ui.preauthorizeApiKey('bearerAuth', token);
    },
  });
});

// Drive test/browser/index.html in headless Chromium (playwright-core with Debian's chromium).
//
//   node test/browser/drive.mjs <allowed page url> <expected notification title> <refused page url>
//
// 1. The page on the web app's (allowed) origin signs in, lists partners, updates one and opens its
//    realtime listener: prints "READY <state json>". The test then makes the API call that causes a
//    notification; when its title shows up in the listener: "SEEN <ms> <state json>".
// 2. The same page on an origin not in WEB_APP_ORIGINS: its sign-in must fail in the browser;
//    prints "REFUSED <state json>" and "CORS <n>" (console messages naming the CORS policy).
// 3. Two tabs of the allowed origin sharing the session in localStorage refresh at the same moment:
//    prints "TABS <json>" (each tab's refresh outcome, a call from each, each tab's refresh count).
// Requests to any host other than this machine do not resolve and are reported ("BLOCKED ..."). Exit 0
// when every step happened.
import { chromium } from "playwright-core";

const [allowedUrl, expected, refusedUrl] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const timeout = Number(process.env.BROWSER_TIMEOUT_MS || 30000);
const blocked = [];
const consoleLines = [];

async function open(where, url) {
  const page = await where.newPage();
  page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => consoleLines.push(`pageerror: ${error.message}`));
  // Watched, not intercepted: with page.route() Playwright answers CORS preflights itself, which would
  // hide the API's own answers (the very thing tested here). Other hosts do not resolve (launch args).
  page.on("request", (request) => {
    const host = new URL(request.url()).hostname;
    if (host !== "127.0.0.1" && host !== "localhost") blocked.push(request.url());
  });
  await page.goto(url);
  return page;
}

const state = (page) => page.evaluate(() => JSON.stringify(window.tradehub));

const browser = await chromium.launch({
  executablePath, headless: true,
  args: ["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"],
});
let code = 1;
try {
  const page = await open(browser, allowedUrl);
  await page.waitForSelector("body[data-state=listening], body[data-state=failed], body[data-state=refused]",
                             { timeout });
  console.log(`READY ${await state(page)}`);
  const before = (await page.evaluate(() => window.tradehub.notifications.length));
  const started = Date.now();
  await page.waitForFunction(
    ([title, count]) => window.tradehub.notifications.length > count && window.tradehub.notifications.includes(title),
    [expected, before], { timeout });
  console.log(`SEEN ${Date.now() - started} ${await state(page)}`);

  const corsBefore = consoleLines.filter((line) => line.includes("CORS policy")).length;
  const other = await open(browser, refusedUrl);
  await other.waitForSelector("body[data-state]", { timeout });
  console.log(`REFUSED ${await state(other)}`);
  console.log(`CORS ${consoleLines.filter((line) => line.includes("CORS policy")).length - corsBefore}`);

  // Two tabs of the web app share one session (localStorage) and refresh at the same moment.
  const context = await browser.newContext();
  const tabsUrl = `${allowedUrl}&mode=tabs`;
  const tabs = [];
  for (let n = 0; n < 2; n += 1) {
    const tab = await open(context, tabsUrl);
    // Polled on a timer: a tab behind another gets no animation frames, which waitForSelector relies on.
    await tab.waitForFunction(() => document.body.dataset.state === "tabs", null, { timeout, polling: 100 });
    tabs.push(tab);
  }
  const [first, second] = tabs;
  const signedIn = await first.evaluate(() => window.tabs.signIn());
  const refreshed = await Promise.all([first, second].map((tab) => tab.evaluate(() => window.tabs.refresh())));
  const calls = await Promise.all([first, second].map((tab) => tab.evaluate(() => window.tabs.me())));
  const refreshes = await Promise.all([first, second].map((tab) => tab.evaluate(() => window.tabs.refreshes())));
  console.log(`TABS ${JSON.stringify({ signedIn, refreshed, calls, refreshes })}`);
  code = blocked.length ? 3 : 0;
} catch (error) {
  console.log(`FAILED ${error.message.split("\n")[0]}`);
  for (const context of browser.contexts()) {
    for (const page of context.pages()) {
      console.log(`PAGE ${page.url()} ${await page.evaluate(() => JSON.stringify(document.body.dataset)).catch(String)}`);
    }
  }
} finally {
  if (blocked.length) console.log(`BLOCKED ${blocked.join(" ")}`);
  for (const line of consoleLines) console.log(`CONSOLE ${line}`);
  await browser.close();
}
process.exit(code);

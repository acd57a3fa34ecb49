import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyEmailDomain, normaliseDomain } from "./email-domain.ts";

test("classes free-mail providers from the freemail lists, plus ones it lacks", () => {
  for (const d of ["gmail.com", "qq.com", "163.com", "outlook.com", "proton.me", "GMAIL.COM."]) assert.equal(classifyEmailDomain(d), "free", d);
});

test("classes disposable domains, including their subdomains, ahead of free", () => {
  assert.equal(classifyEmailDomain("mailinator.com"), "disposable");
  assert.equal(classifyEmailDomain("eu.mailinator.com"), "disposable");
});

test("classes .edu, .ac.xx and .edu.xx domains as education", () => {
  for (const d of ["mit.edu", "cs.stanford.edu", "ox.ac.uk", "u-tokyo.ac.jp", "pku.edu.cn", "usp.edu.br"]) assert.equal(classifyEmailDomain(d), "education", d);
  assert.equal(classifyEmailDomain("education.com"), "corporate");
});

test("classes other well-formed domains as corporate and empty or malformed input as unknown", () => {
  assert.equal(classifyEmailDomain("corp.example"), "corporate");
  assert.equal(classifyEmailDomain("acme-widgets.co.uk"), "corporate");
  for (const d of ["", "  ", "localhost", "no spaces.com", "-bad.com", "a..b"]) assert.equal(classifyEmailDomain(d), "unknown", d);
});

test("takes the domain of a whole address", () => {
  assert.equal(normaliseDomain(" Li.Hua@Example-Mail.COM "), "example-mail.com");
  assert.equal(classifyEmailDomain("someone@gmail.com"), "free");
});

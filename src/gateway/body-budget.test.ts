import { test } from "node:test";
import assert from "node:assert/strict";
import { BodyBudget } from "./body-budget.ts";

test("bytes are taken within the account's share and the total, and refused past either", () => {
  const b = new BodyBudget(1000, 600);
  assert.equal(b.take("a", 500), null);
  assert.equal(b.take("a", 200), "account", "500 + 200 is over a's 600");
  assert.equal(b.heldBy("a"), 500, "a refused take holds nothing");
  assert.equal(b.take("b", 450), null);
  assert.equal(b.take("c", 100), "total", "950 + 100 is over the 1000 in all");
  assert.equal(b.total, 950);
});

test("given-back bytes can be taken again, and an account that gave back all it held is forgotten", () => {
  const b = new BodyBudget(1000, 600);
  assert.equal(b.take("a", 600), null);
  assert.equal(b.take("a", 1), "account");
  b.give("a", 600);
  assert.equal(b.heldBy("a"), 0);
  assert.equal(b.total, 0);
  assert.equal(b.take("a", 600), null);
  b.give("a", 0);
  assert.equal(b.total, 600, "giving back nothing changes nothing");
});

/**
 * Built-in text generators: template families with random slots. Enough variety that near-duplicate
 * detection has real work to do (same template, different names and numbers), small enough to ship.
 */
import type { Rng } from "../rng.ts";
import type { ReplyKind, TextSource } from "./text-source.ts";

const NAMES = ["Natalia", "Weng", "Betty", "Julie", "James", "Mark", "Albert", "Ken", "Alexis", "Tina", "Randy", "Joy", "Lucas", "Priya", "Mei", "Omar", "Sven", "Aisha", "Carlos", "Hana"];
const ITEMS = ["apples", "pencils", "stickers", "cupcakes", "marbles", "books", "seashells", "cookies", "baseball cards", "tomatoes"];
const FUN_PLACES = ["the fair", "the bakery", "the bookstore", "the farmers market", "the zoo", "the library sale"];
const LANGS = ["Python", "JavaScript", "TypeScript", "Java", "C++", "Go", "Rust", "C#", "Ruby", "Kotlin"];
const CITIES = ["Lyon", "Osaka", "Nairobi", "Lisbon", "Austin", "Krakow", "Melbourne", "Seoul", "Bogotá", "Tbilisi"];
const TOPICS = [
  "personal finance", "climate science", "Python programming", "world history", "nutrition", "linear algebra", "organic chemistry",
  "contract law", "marketing strategy", "astronomy", "machine learning", "philosophy of mind", "cybersecurity", "cooking techniques",
  "public speaking", "microeconomics", "genetics", "SQL databases", "travel planning", "music theory", "poetry writing",
  "physics of motion", "probability", "project management", "mental health", "renewable energy", "data visualization", "ancient Rome",
];

const MATH: readonly ((r: Rng) => string)[] = [
  (r) => `${r.pick(NAMES)} sold ${r.int(12, 96)} ${r.pick(ITEMS)} in April, and then sold half as many in May. How many ${r.pick(ITEMS)} did they sell altogether in April and May?`,
  (r) => `${r.pick(NAMES)} earns $${r.int(8, 40)} an hour for babysitting. Yesterday, they did ${r.int(20, 59)} minutes of babysitting. How much did they earn?`,
  (r) => `A store sells ${r.pick(ITEMS)} at $${r.int(2, 9)} each or ${r.int(3, 6)} for $${r.int(10, 25)}. ${r.pick(NAMES)} needs ${r.int(10, 40)}. What is the least amount they can pay?`,
  (r) => `${r.pick(NAMES)} has ${r.int(3, 12)} boxes with ${r.int(6, 24)} ${r.pick(ITEMS)} in each. They give away ${r.int(5, 30)} and split the rest equally among ${r.int(2, 6)} friends. How many does each friend get, and how many are left over?`,
  (r) => `A train leaves ${r.pick(CITIES)} at ${r.int(40, 90)} km/h. Two hours later a second train leaves the same station on the same track at ${r.int(95, 140)} km/h. How long after the second train departs does it catch up?`,
  (r) => `The sum of three consecutive ${r.chance(0.5) ? "even" : "odd"} integers is ${r.int(20, 120) * 3}. What is the largest of the three?`,
  (r) => `A rectangle has a perimeter of ${r.int(20, 90) * 2} cm and its length is ${r.int(2, 5)} times its width. What is its area?`,
  (r) => `If ${r.int(2, 9)}x + ${r.int(1, 20)} = ${r.int(30, 150)}, what is the value of ${r.int(2, 5)}x - ${r.int(1, 9)}?`,
  (r) => `How many positive integers less than ${r.int(100, 2000)} are divisible by ${r.int(3, 7)} but not by ${r.int(8, 15)}?`,
  (r) => `A bag contains ${r.int(3, 9)} red, ${r.int(2, 8)} blue and ${r.int(1, 6)} green marbles. Two marbles are drawn without replacement. What is the probability that both are the same colour?`,
  (r) => `${r.pick(NAMES)} invests $${r.int(10, 90) * 100} at ${r.int(2, 9)}% interest compounded annually. How much will the investment be worth after ${r.int(2, 12)} years?`,
  (r) => `At ${r.pick(FUN_PLACES)}, tickets cost $${r.int(3, 12)} for children and $${r.int(13, 25)} for adults. ${r.int(50, 400)} tickets were sold for a total of $${r.int(1500, 6000)}. How many adult tickets were sold?`,
  (r) => `Find all real solutions of x^2 - ${r.int(2, 15)}x + ${r.int(1, 40)} = 0.`,
  (r) => `What is the remainder when ${r.int(2, 9)}^${r.int(50, 300)} is divided by ${r.int(5, 13)}?`,
  (r) => `A cylinder has radius ${r.int(2, 12)} cm and height ${r.int(5, 30)} cm. What is its volume in cubic centimetres, rounded to the nearest whole number?`,
  (r) => `In a class of ${r.int(20, 40)} students, ${r.int(8, 18)} play football, ${r.int(6, 15)} play chess and ${r.int(2, 6)} play both. How many play neither?`,
];

const CODE_TASKS = [
  ["two_sum", "returns the indices of the two numbers in an array that add up to a target"],
  ["is_palindrome", "checks whether a string is a palindrome, ignoring case and non-alphanumeric characters"],
  ["merge_intervals", "merges all overlapping intervals in a list of [start, end] pairs"],
  ["lru_cache", "implements an LRU cache with get and put in O(1) time"],
  ["top_k_frequent", "returns the k most frequent elements of an array"],
  ["parse_csv_line", "parses one CSV line, handling quoted fields with embedded commas"],
  ["longest_common_prefix", "finds the longest common prefix of a list of strings"],
  ["dijkstra", "computes shortest path distances from a source in a weighted graph"],
  ["validate_brackets", "checks whether a string of brackets is balanced"],
  ["rotate_matrix", "rotates an n x n matrix by 90 degrees in place"],
  ["flatten", "flattens an arbitrarily nested list"],
  ["rate_limiter", "implements a token-bucket rate limiter"],
  ["edit_distance", "computes the Levenshtein distance between two strings"],
  ["kth_largest", "returns the k-th largest element of an unsorted array"],
  ["serialize_tree", "serializes and deserializes a binary tree"],
  ["word_count", "counts word frequencies in a text file and prints the top 10"],
  ["binary_search", "finds the first index at which a sorted array's value is >= x"],
  ["debounce", "returns a debounced version of a function"],
  ["roman_to_int", "converts a Roman numeral to an integer"],
  ["max_subarray", "returns the maximum sum of a contiguous subarray"],
] as const;

const CODE: readonly ((r: Rng) => string)[] = [
  (r) => {
    const [f, d] = r.pick(CODE_TASKS);
    return `Write a ${r.pick(LANGS)} function \`${f}\` that ${d}. Include a few test cases.`;
  },
  (r) => {
    const [, d] = r.pick(CODE_TASKS);
    return `Implement a solution in ${r.pick(LANGS)}: given the input described below, write a program that ${d}.\nConstraints: n <= ${r.pick(["10^5", "2*10^5", "10^6"])}. Read from stdin and write to stdout.`;
  },
  (r) => `What is the time complexity of this ${r.pick(LANGS)} code, and how would you optimise it?\n\nfor i in range(n):\n    for j in range(i, n):\n        if a[i] + a[j] == ${r.int(10, 99)}: count += 1`,
  (r) => {
    const [f, d] = r.pick(CODE_TASKS);
    return `def ${f}(*args):\n    """Function that ${d}.\n    >>> ${f}(${r.int(1, 9)}, ${r.int(1, 9)})\n    """\n`;
  },
];

const CHAT: readonly ((r: Rng) => string)[] = [
  (r) => `What's a good recipe for ${r.pick(["a quick weeknight curry", "banana bread", "vegan lasagna", "shakshuka", "chicken soup", "pad thai"])}?`,
  (r) => `Can you help me write an email to my ${r.pick(["landlord", "manager", "professor", "neighbour", "bank"])} about ${r.pick(["a broken heater", "taking Friday off", "an extension on my essay", "the noise at night", "a wrong charge"])}?`,
  (r) => `Recommend ${r.int(3, 7)} ${r.pick(["sci-fi", "mystery", "history", "fantasy", "self-help"])} books for someone who liked ${r.pick(["Dune", "The Martian", "Sapiens", "Gone Girl", "The Hobbit"])}.`,
  (r) => `What are the pros and cons of ${r.pick(["renting vs buying a home", "an electric car vs a hybrid", "learning Spanish vs French", "a Mac vs a Windows laptop", "index funds vs picking stocks"])}?`,
  (r) => `Plan a ${r.int(2, 7)}-day trip to ${r.pick(CITIES)} for ${r.pick(["a couple", "a family with two kids", "a solo traveller on a budget"])}.`,
  (r) => `Explain ${r.pick(["inflation", "how vaccines work", "black holes", "the stock market", "photosynthesis", "blockchain"])} like I'm ${r.pick(["five", "a high school student", "my grandmother"])}.`,
  (r) => `Translate "${r.pick(["Where is the train station?", "I would like to book a table for two", "Thank you for your help", "How much does this cost?"])}" into ${r.pick(["Spanish", "Japanese", "German", "French", "Korean"])}.`,
  (r) => `Give me a ${r.int(3, 5)}-day-a-week workout plan to ${r.pick(["lose weight", "build muscle", "run a 10k", "improve flexibility"])}.`,
  (r) => `My ${r.pick(["cat", "dog", "toddler", "teenager"])} keeps ${r.pick(["waking me up at 5am", "ignoring me", "chewing cables", "refusing vegetables"])}. Any advice?`,
  (r) => `Write a short ${r.pick(["birthday poem", "toast for my sister's wedding", "LinkedIn post about my new job", "bedtime story about a dragon"])}.`,
  (r) => `Explain step by step how to ${r.pick(["change a flat tire", "file my taxes as a freelancer", "set up a budget spreadsheet", "repot a plant"])}.`,
  (r) => `Is it true that ${r.pick(["we only use 10% of our brains", "cracking knuckles causes arthritis", "goldfish have a 3-second memory", "lightning never strikes twice"])}?`,
];
const FOLLOW = [
  "thanks!", "can you make it shorter?", "why?", "Can you give me another example?", "That's not quite right, try again.",
  "Make it more formal.", "perfect, now translate it to Spanish", "ok what about if I only have 20 minutes?", "can you explain the second point more?",
  "Which one would you pick?", "great, and what should I avoid?", "hmm, I don't think that's correct", "list them as bullet points please",
];
const DEV: readonly ((r: Rng) => string)[] = [
  (r) => `Why does my ${r.pick(LANGS)} code throw ${r.pick(["a null pointer exception", "'undefined is not a function'", "a borrow checker error", "an index out of range error", "a deadlock"])} when ${r.pick(["I call it from a callback", "the list is empty", "two goroutines write at once", "I run it in the container"])}?`,
  (r) => `How do I ${r.pick(["add JWT auth", "stream responses", "paginate a query", "write a migration", "mock the database"])} in ${r.pick(["FastAPI", "Express", "Spring Boot", "Django", "Next.js", "Rails"])}?`,
  (r) => `Review this function and suggest improvements:\n\`\`\`${r.pick(["python", "ts", "go"])}\nfunction load(items) {\n  let out = [];\n  for (let i = 0; i <= items.length; i++) out.push(items[i].id);\n  return out;\n}\n\`\`\``,
  (r) => `Write a regex that matches ${r.pick(["ISO dates", "UK postcodes", "semantic versions", "hex colours", "IPv4 addresses"])}.`,
  (r) => `What's the difference between ${r.pick([["a process", "a thread"], ["let", "var"], ["an interface", "a type alias"], ["git merge", "git rebase"]] as const).join(" and ")}?`,
  (r) => `Convert this bash one-liner to ${r.pick(["Python", "PowerShell", "Go"])}: find . -name '*.log' -mtime +${r.int(2, 30)} -delete`,
  (r) => `Our ${r.pick(["Postgres", "MySQL", "Redis", "Kafka"])} ${r.pick(["latency spiked", "CPU is at 100%", "disk filled up", "consumer lag grows"])} after ${r.pick(["the last deploy", "we added an index", "traffic doubled"])}. Where should I look first?`,
];
const WORK: readonly ((r: Rng) => string)[] = [
  (r) => `Summarize this meeting note in three bullet points: the ${r.pick(["Q2 planning", "vendor review", "warehouse safety", "hiring"])} meeting agreed to ${r.pick(["move the deadline to June", "add two people to the team", "switch suppliers", "pilot the new scanner"])} and ${r.pick(["revisit costs next week", "send a summary to finance", "ask legal for a review"])}.`,
  (r) => `Draft a polite reply to the supplier about the delayed shipment of ${r.pick(["pallets", "spare parts", "laptops", "packaging"])} (order ${r.int(10000, 99999)}).`,
  (r) => `Write a SQL query that returns the ${r.pick(["top 10 customers by revenue", "orders shipped late last month", "average delivery time per region", "inventory below reorder level"])}.`,
  (r) => `What is our policy on ${r.pick(["remote work", "travel expenses", "parental leave", "using personal devices", "overtime"])}?`,
  (r) => `Translate this paragraph to ${r.pick(["German", "Polish", "Spanish"])}: The shipment will arrive on ${r.pick(["Monday", "Thursday"])} and must be checked in before noon.`,
  (r) => `Rewrite this for a customer audience: "Due to system maintenance, tracking updates may be delayed by up to ${r.int(2, 12)} hours."`,
];
const CUSTOMER: readonly ((r: Rng) => string)[] = [
  (r) => `My order #${r.int(100000, 999999)} hasn't arrived yet, it's been ${r.int(5, 21)} days. Can you check?`,
  (r) => `I was charged twice for my ${r.pick(["subscription", "last order", "annual plan"])} this month.`,
  () => "How do I reset my password? The link in the email doesn't work.",
  (r) => `The app keeps crashing when I ${r.pick(["upload a photo", "open settings", "try to pay", "log in with Google"])} on my ${r.pick(["iPhone", "Pixel", "Samsung"])}.`,
  (r) => `Can I change the delivery address for order ${r.int(100000, 999999)}?`,
  (r) => `I want to cancel my plan, ${r.pick(["it's too expensive", "I don't use it anymore", "I found another tool"])}.`,
  (r) => `hi, is the ${r.pick(["blue", "black", "large", "XL"])} version back in stock?`,
];
const REPLIES: Readonly<Record<ReplyKind, readonly string[]>> = {
  chat: ["Sure! Here are a few ideas to get you started:", "Great question. In short, it depends on a few things:", "Here's a draft you can adapt:"],
  math: ["Let's set up the equation. Let x be the unknown quantity. Then", "First, compute the total, then divide.", "Step 1: identify what we know."],
  code: ["Here's an implementation:\n```\n...\n```\nIt runs in O(n log n).", "The bug is an off-by-one in the loop bound.", "You can do this with a hash map:"],
  work: ["Here is a summary:", "Draft reply:\n\nDear team,", "Here's the query:\n```sql\nSELECT ...\n```"],
};

/** The generator that ships with moat. */
export class BuiltinText implements TextSource {
  math(rng: Rng): string {
    return rng.pick(MATH)(rng);
  }
  code(rng: Rng): string {
    return rng.pick(CODE)(rng);
  }
  agenticTask(rng: Rng): string {
    return rng.pick([
      () => `Fix the failing test \`test_${rng.pick(CODE_TASKS)[0]}\` in the repository and make sure the whole suite passes.`,
      () => `Find the population of ${rng.pick(CITIES)} and ${rng.pick(CITIES)} and tell me which grew faster since 2010.`,
      () => `Refactor the ${rng.pick(["billing", "auth", "search", "export"])} module to remove the duplicated ${rng.pick(["validation", "retry", "logging"])} code.`,
      () => `Add a ${rng.pick(["--dry-run", "--verbose", "--since"])} flag to the CLI and document it in the README.`,
      () => `Look up the weather in ${rng.pick(CITIES)} for tomorrow and draft a packing list.`,
      () => `Investigate why the nightly ${rng.pick(["build", "backup", "report"])} job failed and propose a fix.`,
    ])();
  }
  topic(rng: Rng): string {
    return rng.pick(TOPICS);
  }
  seedInstruction(rng: Rng): string {
    return rng.pick([
      `Explain the main idea of ${rng.pick(TOPICS)} to a beginner.`,
      `Write a short quiz with answers about ${rng.pick(TOPICS)}.`,
      `Give three common misconceptions about ${rng.pick(TOPICS)} and correct them.`,
      `Compare two approaches in ${rng.pick(TOPICS)} and say when to use each.`,
    ]);
  }
  chatOpening(rng: Rng): string {
    return rng.pick(CHAT)(rng);
  }
  chatFollowUp(rng: Rng): string {
    return rng.pick(FOLLOW);
  }
  devQuestion(rng: Rng): string {
    return rng.pick(DEV)(rng);
  }
  workTask(rng: Rng): string {
    return rng.pick(WORK)(rng);
  }
  customerText(rng: Rng): string {
    return rng.pick(CUSTOMER)(rng);
  }
  reply(rng: Rng, kind: ReplyKind): string {
    return rng.pick(REPLIES[kind]);
  }
}

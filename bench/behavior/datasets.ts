/**
 * The benchmark's input files, written with a fixed-seed generator so that every run measures the
 * same bytes.
 */
import fs from 'node:fs';

function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

async function writeLines(
  file: string,
  header: string,
  rows: number,
  row: (index: number) => string,
): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write(`${header}\n`);
  let lines: string[] = [];
  for (let index = 0; index < rows; index += 1) {
    lines.push(row(index));
    if (lines.length === 10_000 || index === rows - 1) {
      if (!out.write(`${lines.join('\n')}\n`))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      lines = [];
    }
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

/**
 * The import target's file: `rows` x 30 columns, the mix a real table has: an integer id, 24
 * decimals, 3 integers, a category and a boolean.
 */
export async function writeWideCsv(file: string, rows: number): Promise<void> {
  const random = generator(1);
  const header = ['id', ...Array.from({ length: 24 }, (_, i) => `f${i}`), 'n1', 'n2', 'n3', 'color', 'flag'];
  const colors = ['red', 'green', 'blue', 'yellow'];
  await writeLines(file, header.join(','), rows, (index) => {
    const fields = [String(index)];
    for (let i = 0; i < 24; i += 1) fields.push((random() * 100 - 50).toFixed(3));
    fields.push(
      String(Math.floor(random() * 1000)),
      String(Math.floor(random() * 10)),
      String(Math.floor(random() * 100_000)),
      colors[Math.floor(random() * 4)] as string,
      random() < 0.5 ? 'true' : 'false',
    );
    return fields.join(',');
  });
}

/**
 * `rows` rows shaped like breast_cancer.csv, for its models: each is a real row, drawn at random,
 * with every feature moved by up to 2% so that no two rows are alike. Columns: id, the 30
 * features, target.
 */
export async function writeBreastCancerLike(source: string, file: string, rows: number): Promise<void> {
  const lines = fs.readFileSync(source, 'utf8').trim().split('\n');
  const columns = (lines[0] as string).split(',');
  const features = columns
    .map((name, i) => [name, i] as const)
    .filter(([name]) => !['id', 'target', 'split'].includes(name));
  const target = columns.indexOf('target');
  const records = lines.slice(1).map((line) => line.split(','));
  const random = generator(7);
  const header = ['id', ...features.map(([name]) => name), 'target'].join(',');
  await writeLines(file, header, rows, (index) => {
    const record = records[Math.floor(random() * records.length)] as string[];
    const values = features.map(([, i]) => (Number(record[i]) * (0.98 + 0.04 * random())).toPrecision(6));
    return `${index},${values.join(',')},${record[target]}`;
  });
}

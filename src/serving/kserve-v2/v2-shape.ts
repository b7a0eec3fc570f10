/** How shapes print in KServe v2 messages: as the client wrote them in JSON, `[2,30]` or `[N,30]`. */
export function shapeText(shape: readonly (number | string)[]): string {
  return `[${shape.join(',')}]`;
}

/** The number of elements a concrete shape holds; a scalar (rank 0) holds one. */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

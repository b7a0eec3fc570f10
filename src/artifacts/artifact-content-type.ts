/**
 * The Content-Type MLflow 2.10.2 gives an artifact (`mlflow.utils.mime_type_utils._guess_mime_type`):
 * text/plain for the text formats ML projects write (matched case-sensitively on the extension, or
 * on the whole name when there is none, which is how `MLmodel` qualifies), otherwise what Python's
 * `mimetypes.guess_type` says, otherwise application/octet-stream.
 *
 * No mime library is installed, so PYTHON_TYPES is a subset of Python 3.11's built-in `types_map`
 * (the types artifacts plausibly have), with Python's exact answers, which differ from IANA's in
 * places (`.xml` is text/xml, `.js` application/javascript). Python also reads the host's mime.types,
 * so MLflow's answers for rarer extensions vary by host; outside this table Assay answers
 * octet-stream, which is what MLflow answers on a host without that file.
 */
const TEXT_PLAIN_EXTENSIONS = new Set([
  'txt',
  'log',
  'err',
  'cfg',
  'conf',
  'cnf',
  'cf',
  'ini',
  'properties',
  'prop',
  'hocon',
  'toml',
  'yaml',
  'yml',
  'xml',
  'json',
  'js',
  'py',
  'py3',
  'csv',
  'tsv',
  'md',
  'rst',
  'MLmodel',
  'mlproject',
]);

const PYTHON_TYPES: ReadonlyMap<string, string> = new Map([
  ['.avif', 'image/avif'],
  ['.avi', 'video/x-msvideo'],
  ['.bmp', 'image/bmp'],
  ['.cdf', 'application/x-netcdf'],
  ['.css', 'text/css'],
  ['.csv', 'text/csv'],
  ['.doc', 'application/msword'],
  ['.eps', 'application/postscript'],
  ['.gif', 'image/gif'],
  ['.gtar', 'application/x-gtar'],
  ['.h5', 'application/x-hdf5'],
  ['.hdf', 'application/x-hdf'],
  ['.heic', 'image/heic'],
  ['.heif', 'image/heif'],
  ['.htm', 'text/html'],
  ['.html', 'text/html'],
  ['.ico', 'image/vnd.microsoft.icon'],
  ['.jpe', 'image/jpeg'],
  ['.jpeg', 'image/jpeg'],
  ['.jpg', 'image/jpeg'],
  ['.js', 'application/javascript'],
  ['.json', 'application/json'],
  ['.mjs', 'application/javascript'],
  ['.mov', 'video/quicktime'],
  ['.mp3', 'audio/mpeg'],
  ['.mp4', 'video/mp4'],
  ['.mpeg', 'video/mpeg'],
  ['.mpg', 'video/mpeg'],
  ['.nc', 'application/x-netcdf'],
  ['.pdf', 'application/pdf'],
  ['.png', 'image/png'],
  ['.ppt', 'application/vnd.ms-powerpoint'],
  ['.ps', 'application/postscript'],
  ['.py', 'text/x-python'],
  ['.sh', 'application/x-sh'],
  ['.srt', 'text/plain'],
  ['.svg', 'image/svg+xml'],
  ['.tar', 'application/x-tar'],
  ['.tex', 'application/x-tex'],
  ['.tif', 'image/tiff'],
  ['.tiff', 'image/tiff'],
  ['.tsv', 'text/tab-separated-values'],
  ['.txt', 'text/plain'],
  ['.vtt', 'text/vtt'],
  ['.wasm', 'application/wasm'],
  ['.wav', 'audio/x-wav'],
  ['.webm', 'video/webm'],
  ['.xls', 'application/vnd.ms-excel'],
  ['.xml', 'text/xml'],
  ['.zip', 'application/zip'],
]);

/** Python's `suffix_map`: abbreviations expanded before the lookup (`x.tgz` is `x.tar.gz`). */
const SUFFIX_MAP: ReadonlyMap<string, string> = new Map([
  ['.svgz', '.svg.gz'],
  ['.tgz', '.tar.gz'],
  ['.taz', '.tar.gz'],
  ['.tz', '.tar.gz'],
  ['.tbz2', '.tar.bz2'],
  ['.txz', '.tar.xz'],
]);

/** Python's `encodings_map` keys (case-sensitive there): stripped, so `x.tar.gz` is typed as a tar. */
const ENCODING_SUFFIXES = new Set(['.gz', '.Z', '.bz2', '.xz', '.br']);

const OCTET_STREAM = 'application/octet-stream';

export function artifactContentType(artifactPath: string): string {
  const fileName = artifactPath.slice(artifactPath.lastIndexOf('/') + 1);
  const extension = splitExtension(fileName)[1].replaceAll('.', '');
  if (TEXT_PLAIN_EXTENSIONS.has(extension === '' ? fileName : extension)) return 'text/plain';
  return guessType(fileName) ?? OCTET_STREAM;
}

/** Python's `mimetypes.guess_type`, type only. */
function guessType(fileName: string): string | undefined {
  let [base, extension] = splitExtension(fileName);
  for (
    let expansion = SUFFIX_MAP.get(extension.toLowerCase());
    expansion;
    expansion = SUFFIX_MAP.get(extension.toLowerCase())
  ) {
    [base, extension] = splitExtension(base + expansion);
  }
  if (ENCODING_SUFFIXES.has(extension)) [, extension] = splitExtension(base);
  return PYTHON_TYPES.get(extension) ?? PYTHON_TYPES.get(extension.toLowerCase());
}

/** Python's `posixpath.splitext`: the last dot, unless only dots precede it (`.bashrc` has no extension). */
function splitExtension(fileName: string): [string, string] {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(fileName.slice(0, dot))) return [fileName, ''];
  return [fileName.slice(0, dot), fileName.slice(dot)];
}

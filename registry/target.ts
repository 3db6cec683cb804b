/** Where the object is: its namespace (null if cluster-scoped) and name, as the URL names them. */
export interface Target {
  namespace: string | null;
  name: string;
}

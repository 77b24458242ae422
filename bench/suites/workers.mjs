// Many workers on one PostgreSQL: filled in once a PostgresStore exists in the workspace.
export async function workers() {
  return {
    id: "workers",
    title: "Many workers on PostgreSQL",
    intro: "",
    tables: [],
    targets: [],
    notes: [],
  };
}

//! A name for an operation the spec gives no `operationId`: its method and path, path parameters
//! as `by_<name>` (`GET /users/{id}/posts` -> `get_users_by_id_posts`). It depends on nothing but
//! the operation itself, so it is stable when other operations change; names that still collide
//! (with another derived or explicit name) get `2`, `3`... in sorted order like any other name
//! (`ir::build`).

use super::naming::field_name;

pub fn from_method_and_path(method: &str, path: &str) -> String {
    let mut words = vec![method.to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        // `{id}` -> `by_id`; `{a}.{b}` and other mixed segments keep every part.
        let mut rest = segment;
        while !rest.is_empty() {
            match (rest.find('{'), rest.find('}')) {
                (Some(open), Some(close)) if open < close => {
                    words.push(rest[..open].to_string());
                    words.push(format!("by {}", &rest[open + 1..close]));
                    rest = &rest[close + 1..];
                }
                _ => {
                    words.push(rest.to_string());
                    rest = "";
                }
            }
        }
    }
    if words.len() == 1 {
        words.push("root".into());
    }
    // field_name keeps ASCII letters and digits as words and snake-cases them.
    field_name(&words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::from_method_and_path as name;

    #[test]
    fn method_and_path_words() {
        assert_eq!(name("get", "/users/{id}/posts"), "get_users_by_id_posts");
        assert_eq!(name("delete", "/"), "delete_root");
        assert_eq!(
            name("put", "/v1/files/{file_id}.{format}"),
            "put_v1_files_by_file_id_by_format"
        );
        assert_eq!(name("post", "/a-b/c.d"), "post_a_b_c_d");
        assert_eq!(name("get", "/{}"), "get_by");
    }
}
